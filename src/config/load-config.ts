/** Finds and reads the config file. The YAML parser and schema load only when a file exists. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type StowageConfig } from './config-types.ts';

export const CONFIG_FILE = 'config.yaml';

export function configPath(dataDir: string): string {
  return join(dataDir, CONFIG_FILE);
}

/** A missing file is the default config. @throws StowageError 'invalid' listing every problem. */
export async function loadConfig(dataDir: string): Promise<StowageConfig> {
  const file = configPath(dataDir);
  if (!existsSync(file)) return DEFAULT_CONFIG;
  const { parseConfig } = await import('./parse-config.ts');
  return parseConfig(readFileSync(file, 'utf8'), file);
}

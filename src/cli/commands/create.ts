import { createVolume } from '../../lifecycle/create-volume.ts';
import { parseLabelList, parseOptionList } from '../../lifecycle/local-driver-options.ts';
import type { CliSession } from '../session.ts';

export interface CreateOptions {
  driver: string;
  opt?: string[];
  label?: string[];
  nfs?: string;
  cifs?: string;
  json?: boolean;
}

export async function create(
  session: CliSession,
  name: string | undefined,
  options: CreateOptions,
): Promise<void> {
  const volume = await createVolume(session.engine(), {
    ...(name ? { name } : {}),
    driver: options.driver,
    options: parseOptionList(options.opt ?? [], '--opt'),
    labels: parseLabelList(options.label ?? []),
    ...(options.nfs ? { nfs: options.nfs } : {}),
    ...(options.cifs ? { cifs: options.cifs } : {}),
  });
  if (options.json) return session.out.json(volume);
  session.out.write(volume.name);
}

/**
 * Headless Chromium for the dashboard's tests, screenshots and benchmark: Debian's chromium driven by
 * playwright-core. The flags keep it off the network (the machine has none; without them it waits on
 * connections to Google's services).
 */
import { chromium, type Browser } from 'playwright-core';
import { ensureCommands } from './loopback.ts';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when missing (fresh CI machine), then launches it headless. */
export async function launchChromium(): Promise<Browser> {
  ensureCommands({ chromium: 'chromium' });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

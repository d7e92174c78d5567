/**
 * The one way to get a Target from what a user wrote (a flag, the config file, the API) or from what the
 * catalog stored (`Target.url`): the URL's scheme picks the adapter, as restic's backend registry does.
 * Adapters load on first use, so a local backup never loads the AWS SDK or ssh2.
 */
import type { Target } from './contract.ts';
import { LocalTarget } from './local-target.ts';
import type { TargetOptions } from './target-options.ts';
import { parseTargetUrl, type TargetLocation } from './target-url.ts';

type Adapter<Scheme extends TargetLocation['scheme']> = (
  location: Extract<TargetLocation, { scheme: Scheme }>,
  options: TargetOptions,
) => Target | Promise<Target>;

const ADAPTERS: { [Scheme in TargetLocation['scheme']]: Adapter<Scheme> } = {
  local: (location) => new LocalTarget(location.path),
  sftp: async (location, options) => {
    const { SftpTarget } = await import('./sftp-target.ts');
    return new SftpTarget(location, options.sftp, options.env);
  },
  s3: async (location, options) => {
    const { S3Target } = await import('./s3-target.ts');
    return new S3Target(location.bucket, location.prefix, options.s3, options.env);
  },
};

/**
 * Opens the target `url` names. Nothing is contacted yet: a wrong host, bucket or key shows on first use,
 * as a StowageError naming the target.
 * @throws StowageError 'invalid' for a URL Stowage cannot read (the message says what to write instead).
 */
export async function openTarget(url: string, options: TargetOptions = {}): Promise<Target> {
  const location = parseTargetUrl(url);
  switch (location.scheme) {
    case 'local':
      return ADAPTERS.local(location, options);
    case 'sftp':
      return ADAPTERS.sftp(location, options);
    case 's3':
      return ADAPTERS.s3(location, options);
  }
}

/** Which schemes the registry knows, for help texts. */
export const TARGET_SCHEMES = Object.keys(ADAPTERS) as TargetLocation['scheme'][];

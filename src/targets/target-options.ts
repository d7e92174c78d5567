/**
 * What a target may need beyond its URL. Everything has a default from the environment, as the tools
 * users already know do it (the AWS CLI for S3, OpenSSH for SFTP); options exist for the config file and
 * for tests.
 */
export interface TargetOptions {
  /** Where AWS_*, SSH_AUTH_SOCK, STOWAGE_SSH_KNOWN_HOSTS and HOME-relative defaults are read. */
  env?: NodeJS.ProcessEnv;
  s3?: S3Options;
  sftp?: SftpOptions;
}

export interface S3Options {
  /** An S3-compatible server: `http://127.0.0.1:9000`. Default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Default: the SDK's chain (AWS_REGION, the profile); `us-east-1` for a custom endpoint. */
  region?: string;
  /** Default: path-style for any endpoint that is not AWS's own, as S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Default: the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, shared files, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Keys per listing request (S3's maximum and default: 1000). */
  pageSize?: number;
  /** Bytes per uploaded part (default 16 MiB); memory use is about (queueSize + 1) × partSize. */
  partSize?: number;
  /** Parts uploaded at once (default 4). */
  queueSize?: number;
  /** Tries per request, the first included (default 5), with the SDK's exponential backoff between them. */
  maxAttempts?: number;
}

export interface SftpOptions {
  /** A private key file, as `ssh -i`; tried after the agent's keys. */
  identityFile?: string;
  /** Tries to connect (default 3) when the connection is refused or reset. */
  maxAttempts?: number;
}

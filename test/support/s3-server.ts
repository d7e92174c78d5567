/**
 * A real S3-compatible server for tests: s3rver (npm) in its own process on 127.0.0.1, a free port and a
 * fresh folder, with the buckets asked for. s3rver checks request signatures (its key is S3RVER / S3RVER)
 * and keeps multipart parts on disk until the upload completes or is aborted, so "no orphan parts" is
 * checked on what the server really holds. See s3-server-main.ts for what is added in front of s3rver.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, listening, stopPid, waitFor } from './loopback.ts';

export interface S3Server {
  /** For AWS_ENDPOINT_URL_S3: `http://127.0.0.1:PORT`. */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The environment a client needs: endpoint, key, region. */
  env: Record<string, string>;
  /** Multipart uploads that were neither completed nor aborted (their parts are on disk). */
  unfinishedUploads(bucket: string): { id: string; key: string }[];
  /** The next `count` requests are answered 503 SlowDown. */
  throttleNext(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'stwg-s3-'));
  const port = await freePort();
  const logFile = join(directory, '..', `${directory.split('/').pop()}.log`);
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      fileURLToPath(new URL('./s3-server-main.ts', import.meta.url)),
      directory,
      String(port),
      ...buckets,
    ],
    { stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] },
  );
  const stop = async () => {
    await stopPid(child.pid);
    rmSync(directory, { recursive: true, force: true });
    rmSync(logFile, { force: true });
  };
  try {
    await waitFor(
      's3rver',
      () => listening(port),
      () => child.exitCode !== null,
      () => readFileSync(logFile, 'utf8'),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const uploadsOf = (bucket: string) => join(directory, bucket, '._S3rver_uploads');
  return {
    endpoint,
    credentials,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    unfinishedUploads(bucket) {
      let ids: string[];
      try {
        ids = readdirSync(uploadsOf(bucket)).filter((id) =>
          statSync(join(uploadsOf(bucket), id)).isDirectory(),
        );
      } catch {
        return [];
      }
      // An upload being initiated has its folder a moment before its key file: not listed yet.
      return ids.flatMap((id) => {
        try {
          return [{ id, key: readFileSync(join(uploadsOf(bucket), id, 'key'), 'utf8') }];
        } catch {
          return [];
        }
      });
    },
    async throttleNext(count) {
      const response = await fetch(`${endpoint}/__stowage/throttle?count=${count}`, { method: 'POST' });
      if (response.status !== 204)
        throw new Error(`the test S3 server refused to throttle: ${response.status}`);
    },
    stop,
  };
}

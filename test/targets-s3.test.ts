/**
 * The S3 target against a real S3-compatible server (s3rver on loopback): the shared contract, and what
 * only S3 has: throttling retried with backoff and counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTarget } from '../src/targets/registry.ts';
import { targetContract } from '../src/targets/testing/target-contract.ts';
import { startS3Server } from './support/s3-server.ts';

const BUCKET = 'stowage-backups';
// lib-storage's smallest part, so that a few MiB already make a multipart upload with parts on the server.
const PART = 5 * 1024 * 1024;

targetContract(
  'S3 (s3rver)',
  async () => {
    const server = await startS3Server([BUCKET]);
    Object.assign(process.env, server.env); // where the SDK's standard chain finds endpoint, key and region
    let n = 0;
    return {
      server,
      stop: () => server.stop(),
      subject: {
        async fresh(options?: { pageSize?: number }) {
          const prefix = `place-${++n}/`;
          const url = `s3://${BUCKET}/${prefix}`;
          const targetOptions = { s3: { partSize: PART, pageSize: options?.pageSize } };
          const target = await openTarget(url, targetOptions);
          const stored = async () =>
            [
              ...(await target.list()).map((object) => object.key),
              ...server
                .unfinishedUploads(BUCKET)
                .filter((upload) => upload.key.startsWith(prefix))
                .map((upload) => `unfinished upload of ${upload.key.slice(prefix.length)}`),
            ].sort();
          return { url, options: targetOptions, target, stored };
        },
        refusals: [
          {
            mistake: 'no such bucket',
            kind: 'not-found' as const,
            open: () => openTarget('s3://no-such-bucket/x'),
          },
          {
            mistake: 'an access key the server does not know',
            kind: 'invalid' as const,
            open: () =>
              openTarget(`s3://${BUCKET}`, {
                s3: { credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } },
              }),
          },
        ],
      },
    };
  },
  ({ server }) => {
    test('S3: throttling (503 SlowDown) is retried with backoff, and the retries are counted', async () => {
      const target = await openTarget(`s3://${BUCKET}/retries`);
      try {
        const pending = await target.create('a');
        pending.stream.end(Buffer.from('hello'));
        await pending.commit();
        const before = target.retries;
        await server.throttleNext(3);
        assert.deepEqual(
          (await target.list()).map((o) => o.key),
          ['a'],
        );
        assert.equal(target.retries - before, 3);
      } finally {
        await target.close();
      }
    });

    test('S3: a server that keeps failing becomes an error naming the target, after the retries', async () => {
      const target = await openTarget(`s3://${BUCKET}/failing`, { s3: { maxAttempts: 2 } });
      try {
        await server.throttleNext(2);
        await assert.rejects(target.list(), (error: Error) => {
          assert.match(error.message, /s3:\/\/stowage-backups\/failing/);
          assert.match(error.message, /SlowDown/);
          return true;
        });
        assert.equal(target.retries, 1);
      } finally {
        await target.close();
      }
    });
  },
);

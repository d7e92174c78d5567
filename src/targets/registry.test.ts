import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { LocalTarget } from './local-target.ts';
import { openTarget } from './registry.ts';

test('the registry picks the adapter by scheme; each names its place canonically, without a password', async () => {
  const cases: [string, string, string][] = [
    ['/srv/backups', 'LocalTarget', 'local:/srv/backups'],
    ['file:///srv/backups', 'LocalTarget', 'local:/srv/backups'],
    ['local:/srv/backups', 'LocalTarget', 'local:/srv/backups'],
    ['sftp://me:hunter2@nas.lan:2222/srv/b/', 'SftpTarget', 'sftp://me@nas.lan:2222/srv/b'],
    ['s3://bkt/hosts/web-1/', 'S3Target', 's3://bkt/hosts/web-1'],
  ];
  for (const [url, adapter, canonical] of cases) {
    // Nothing is contacted until first use, so unreachable places open fine.
    const target = await openTarget(url, { s3: { region: 'us-east-1' } });
    try {
      assert.equal(target.constructor.name, adapter, url);
      assert.equal(target.url, canonical);
      assert.equal(target.retries, 0);
    } finally {
      await target.close();
    }
  }
});

test('the catalog\u2019s URL of a folder opens the same folder as before', async () => {
  const target = await openTarget(new LocalTarget('/srv/backups').url);
  assert.ok(target instanceof LocalTarget);
  assert.equal(target.root, '/srv/backups');
});

test('an unknown scheme is refused before anything is opened', async () => {
  await assert.rejects(openTarget('webdav://nas/x'), (error) => isStowageError(error, 'invalid'));
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStowageError } from '../core/errors.ts';
import { formatTargetUrl, parseTargetUrl, redactUrl } from './target-url.ts';

describe('target URLs', () => {
  const parsed: [string, unknown][] = [
    ['/srv/backups', { scheme: 'local', path: '/srv/backups' }],
    ['file:///srv/backups', { scheme: 'local', path: '/srv/backups' }],
    ['file://localhost/srv/my%20backups', { scheme: 'local', path: '/srv/my backups' }],
    ['local:/srv/backups', { scheme: 'local', path: '/srv/backups' }],
    [
      'sftp://backup@nas.lan:2222/srv/backups/',
      {
        scheme: 'sftp',
        host: 'nas.lan',
        port: 2222,
        username: 'backup',
        password: undefined,
        path: '/srv/backups',
      },
    ],
    [
      'sftp://nas.lan/~/backups',
      {
        scheme: 'sftp',
        host: 'nas.lan',
        port: 22,
        username: undefined,
        password: undefined,
        path: 'backups',
      },
    ],
    [
      'sftp://me:s%40cret@[::1]/b',
      { scheme: 'sftp', host: '::1', port: 22, username: 'me', password: 's@cret', path: '/b' },
    ],
    ['s3://my-bucket', { scheme: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my-bucket/hosts/web-1/', { scheme: 's3', bucket: 'my-bucket', prefix: 'hosts/web-1/' }],
  ];
  for (const [url, expected] of parsed)
    test(`reads ${url}`, () => assert.deepEqual(parseTargetUrl(url), expected));

  const refused: [string, RegExp, RegExp][] = [
    [
      'ftp://host/x',
      /ftp:\/\/host\/x: Stowage cannot store backups at a ftp:\/\/ URL/,
      /sftp:\/\/\[user@\]host/,
    ],
    ['s3://', /names no bucket/, /s3:\/\/bucket/],
    ['s3:///prefix', /names no bucket/, /AWS_ENDPOINT_URL_S3/],
    ['s3://My_Bucket', /not a valid S3 bucket name/, /lowercase/],
    ['s3://key:secret@bucket', /names a bucket, not a server or credentials/, /AWS_ACCESS_KEY_ID/],
    ['sftp://host:99999/x', /bad port/, /1 to 65535/],
    ['sftp://host:0/x', /bad port/, /1 to 65535/],
    ['sftp://host', /names no folder/, /sftp:\/\/host\/~\/backups/],
    ['file://nas/srv', /names another host \(nas\)/, /file:\/\/\/path/],
    ['', /empty/, /s3:\/\/bucket/],
  ];
  for (const [url, message, hint] of refused)
    test(`refuses ${JSON.stringify(url)} saying what to write`, () =>
      assert.throws(
        () => parseTargetUrl(url),
        (error) =>
          isStowageError(error, 'invalid') && message.test(error.message) && hint.test(error.hint ?? ''),
      ));

  test('a password never shows in a message, even in a URL that does not parse', () => {
    assert.throws(
      () => parseTargetUrl('sftp://me:hunter2@host:99999/x'),
      (error: Error) =>
        !error.message.includes('hunter2') && error.message.includes('sftp://me:***@host:99999/x'),
    );
    assert.throws(
      () => parseTargetUrl('gopher://me:hunter2@host/'),
      (error: Error) => !error.message.includes('hunter2'),
    );
  });

  test('redactUrl hides the password and keeps the rest', () => {
    assert.equal(redactUrl('sftp://me:hunter2@host:22/x'), 'sftp://me:***@host:22/x');
    assert.equal(redactUrl('sftp://me:p@ss@host/x'), 'sftp://me:***@host/x');
    assert.equal(redactUrl('sftp://me@host/x'), 'sftp://me@host/x');
    assert.equal(redactUrl('/srv/a:b@c'), '/srv/a:b@c');
  });

  test('the canonical URL opens the same place and carries no password', () => {
    for (const url of [
      'sftp://me:hunter2@nas.lan:2222/srv/b',
      'sftp://nas.lan/~/b',
      's3://bkt/p/q',
      'file:///srv/b',
    ]) {
      const location = parseTargetUrl(url);
      const canonical = formatTargetUrl(location);
      assert.ok(!canonical.includes('hunter2'), canonical);
      const again = parseTargetUrl(canonical);
      assert.deepEqual({ ...again, password: undefined }, { ...location, password: undefined });
    }
  });
});

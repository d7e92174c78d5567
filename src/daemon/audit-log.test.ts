import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from './audit-log.ts';

test('credentials in an error message never reach the audit log', () => {
  assert.equal(redactSecrets('PUT s3://AKIA123:s3cr3t@bucket/x failed'), 'PUT s3://***@bucket/x failed');
  assert.equal(redactSecrets('https://h/x?token=abc&v=1'), 'https://h/x?token=***&v=1');
  assert.equal(redactSecrets('password: hunter2'), 'password: ***');
  assert.equal(redactSecrets('backup vol-1: volume is busy'), 'backup vol-1: volume is busy');
});

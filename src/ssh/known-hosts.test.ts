import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { checkHostKey, hostEntryName } from './known-hosts.ts';

const KEY = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'base64');
const OTHER = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIBBBBnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'base64');
const line = (hosts: string, key = KEY) => `${hosts} ssh-ed25519 ${key.toString('base64')}`;
const hashed = (name: string) => {
  const salt = Buffer.from('0123456789abcdef0123');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts', () => {
  const cases: [string, string, string, number, Buffer, string][] = [
    ['plain host, port 22', line('db.example'), 'db.example', 22, KEY, 'known'],
    ['one of several names', line('a.example,db.example,10.0.0.5'), '10.0.0.5', 22, KEY, 'known'],
    ['another port needs [host]:port', line('db.example'), 'db.example', 2222, KEY, 'unknown'],
    ['[host]:port entry', line('[db.example]:2222'), 'db.example', 2222, KEY, 'known'],
    ['hashed entry', line(hashed('db.example')), 'db.example', 22, KEY, 'known'],
    ['hashed entry with port', line(hashed('[db.example]:2222')), 'db.example', 2222, KEY, 'known'],
    ['wildcard', line('*.example'), 'db.example', 22, KEY, 'known'],
    ['negated pattern wins', line('*.example,!db.example'), 'db.example', 22, KEY, 'unknown'],
    ['a different key is a change', line('db.example'), 'db.example', 22, OTHER, 'changed'],
    [
      'the right key among several lines',
      `${line('db.example', OTHER)}\n${line('db.example')}`,
      'db.example',
      22,
      KEY,
      'known',
    ],
    ['revoked key', `@revoked ${line('*')}\n${line('db.example')}`, 'db.example', 22, KEY, 'revoked'],
    [
      'cert-authority lines are not keys',
      `@cert-authority ${line('*.example')}`,
      'db.example',
      22,
      KEY,
      'unknown',
    ],
    [
      'comments and blank lines',
      `# hosts\n\n${line('db.example')} me@laptop`,
      'db.example',
      22,
      KEY,
      'known',
    ],
    ['empty file', '', 'db.example', 22, KEY, 'unknown'],
  ];
  for (const [name, text, host, port, key, verdict] of cases) {
    test(name, () => assert.equal(checkHostKey(text, host, port, key), verdict));
  }
  test('entry names follow OpenSSH', () => {
    assert.equal(hostEntryName('h', 22), 'h');
    assert.equal(hostEntryName('h', 2200), '[h]:2200');
  });
});

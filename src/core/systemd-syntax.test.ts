import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execLine, unitPath, unitWord } from './systemd-syntax.ts';

describe('systemd unit syntax', () => {
  it('plain words stay as they are; others are quoted with their quotes and backslashes escaped', () => {
    assert.equal(unitWord('/usr/bin/node'), '/usr/bin/node');
    assert.equal(unitWord('/opt/my tools'), '"/opt/my tools"');
    assert.equal(unitWord('/a"b\\c'), '"/a\\"b\\\\c"');
  });

  it('% is doubled everywhere (a specifier otherwise) and $ in a command line too (a variable otherwise)', () => {
    assert.equal(unitWord('/srv/50%'), '"/srv/50%%"');
    assert.equal(execLine(['/bin/x', '/srv/$HOME', 'a%b']), '/bin/x "/srv/$$HOME" "a%%b"');
  });

  it('refuses control characters, and for whole-line paths anything that would need quoting', () => {
    assert.throws(() => unitWord('/a\nExecStart=/bin/evil'), /control character/);
    assert.throws(() => unitPath('/run/a b.sock', 'socket'), /cannot be written into a systemd unit/);
    assert.throws(() => unitPath('relative.sock', 'socket'), /cannot be written into a systemd unit/);
    assert.equal(unitPath('/run/50%.sock', 'socket'), '/run/50%%.sock');
  });
});

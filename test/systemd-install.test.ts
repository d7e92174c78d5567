/**
 * `stowage daemon install` and `stowage plugin install` as a user runs them: the files written into a
 * temporary unit folder, the commands printed, a refusal to replace a different unit, --print and --json.
 * No engine and no systemd needed (the units are only written).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureCommands } from './support/loopback.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'stowage.cjs');
const dir = mkdtempSync(join(tmpdir(), 'stwg-systemd-install-'));
const dataDir = join(dir, 'data');
const unitDir = join(dir, 'units');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
  });
const unit = (name: string) => readFileSync(join(unitDir, name), 'utf8');

after(() => rmSync(dir, { recursive: true, force: true }));

describe('stowage daemon install', () => {
  test('writes stowage.service running this Stowage with the data folder, and creates the token', () => {
    const result = run('daemon', 'install', '--unit-dir', unitDir, '--listen', '127.0.0.1:7999');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), `${join(unitDir, 'stowage.service')} (written)`);
    assert.match(result.stderr, /systemctl daemon-reload && systemctl enable --now stowage\.service/);
    assert.match(result.stderr, new RegExp(`API token is in ${join(dataDir, 'api-token')}`));
    const text = unit('stowage.service');
    const [node, script] = [realpathSync(process.execPath), realpathSync(bin)];
    assert.ok(
      text.includes(`\nExecStart=${node} ${script} --data-dir ${dataDir} daemon --listen 127.0.0.1:7999\n`),
      text,
    );
    assert.ok(text.includes(`\nReadWritePaths=${dataDir}\n`));
    assert.ok(text.includes('\nProtectSystem=strict\n'));
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'api-token')).mode & 0o777, 0o600);
    assert.equal(
      run('token').stdout.trim().length > 20,
      true,
      'stowage token answers before the first start',
    );
  });

  test('installing the same unit again changes nothing; a different one is refused without --force', () => {
    const before = unit('stowage.service');
    const again = run('daemon', 'install', '--unit-dir', unitDir, '--listen', '127.0.0.1:7999');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /\(unchanged\)/);
    const other = run('daemon', 'install', '--unit-dir', unitDir, '--listen', '127.0.0.1:7000');
    assert.equal(other.status, 4);
    assert.match(other.stderr, /stowage\.service exists with other content/);
    assert.match(other.stderr, /hint: pass --force/);
    assert.equal(unit('stowage.service'), before);
    const forced = run('daemon', 'install', '--unit-dir', unitDir, '--listen', '127.0.0.1:7000', '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(unit('stowage.service'), /--listen 127\.0\.0\.1:7000$/m);
  });

  test('--print shows the unit and writes nothing; --json says what would be done', () => {
    const elsewhere = join(dir, 'printed-units');
    const printed = run('daemon', 'install', '--unit-dir', elsewhere, '--print');
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /^# .*stowage\.service\n\[Unit\]\n/);
    assert.match(printed.stdout, /^CapabilityBoundingSet=CAP_DAC_READ_SEARCH$/m);
    assert.equal(existsSync(elsewhere), false);
    const json = run('daemon', 'install', '--unit-dir', elsewhere, '--dry-run', '--json');
    assert.equal(json.status, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as {
      units: { name: string; status: string; content: string }[];
      commands: string[];
      tokenFile: string;
      systemdRunning: boolean;
    };
    assert.equal(answer.units[0]?.name, 'stowage.service');
    assert.equal(answer.units[0]?.status, 'printed');
    assert.match(answer.units[0]?.content ?? '', /^ProtectSystem=strict$/m);
    assert.deepEqual(answer.commands, ['systemctl daemon-reload', 'systemctl enable --now stowage.service']);
    assert.equal(answer.tokenFile, join(dataDir, 'api-token'));
    assert.equal(typeof answer.systemdRunning, 'boolean');
    assert.equal(existsSync(elsewhere), false);
  });

  test('a local backup folder from the config outside the data folder becomes writable', () => {
    const configured = join(dir, 'configured');
    const data = join(configured, 'data');
    const result = spawnSync(
      process.execPath,
      [bin, '--data-dir', data, 'daemon', 'install', '--unit-dir', unitDir, '--print'],
      { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^ReadWritePaths=${data}$`, 'm'));
    writeConfig(data, `backup:\n  target: ${join(dir, 'nas')}\n`);
    const withTarget = spawnSync(
      process.execPath,
      [bin, '--data-dir', data, 'daemon', 'install', '--unit-dir', unitDir, '--print'],
      { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } },
    );
    assert.equal(withTarget.status, 0, withTarget.stderr);
    assert.match(withTarget.stdout, new RegExp(`^ReadWritePaths=${data} -${join(dir, 'nas')}$`, 'm'));
  });

  test('the engine given to install (--host) is the engine the daemon of the unit uses', () => {
    const result = run('--host', 'unix:///run/other/docker.sock', 'daemon', 'install', '--print');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ExecStart=.* --host unix:\/\/\/run\/other\/docker\.sock --data-dir /m);
  });

  test('a data folder that cannot be made is named, and no unit is written', () => {
    const units = join(dir, 'units-for-proc');
    const result = spawnSync(
      process.execPath,
      [bin, '--data-dir', '/proc/nope/stowage', 'daemon', 'install', '--unit-dir', units],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } },
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /cannot create the folder \/proc\/nope/);
    assert.equal(existsSync(units), false);
  });

  test('a bad --listen is a usage error naming it', () => {
    const result = run('daemon', 'install', '--unit-dir', unitDir, '--listen', 'nowhere');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /invalid --listen "nowhere"/);
  });
});

describe('stowage plugin install', () => {
  const pluginUnits = join(dir, 'plugin-units');

  test('writes the socket unit and the service it starts', () => {
    const result = run('plugin', 'install', '--unit-dir', pluginUnits);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readdirSync(pluginUnits).sort(), ['stowage-plugin.service', 'stowage-plugin.socket']);
    const socket = readFileSync(join(pluginUnits, 'stowage-plugin.socket'), 'utf8');
    assert.match(socket, /^ListenStream=\/run\/docker\/plugins\/stowage\.sock$/m);
    assert.match(socket, /^SocketMode=0660$/m);
    const service = readFileSync(join(pluginUnits, 'stowage-plugin.service'), 'utf8');
    assert.match(service, /^Requires=stowage-plugin\.socket$/m);
    assert.match(
      service,
      new RegExp(
        `--data-dir ${dataDir} plugin serve --socket /run/docker/plugins/stowage\\.sock --root ${dataDir}/plugin$`,
        'm',
      ),
    );
    assert.match(result.stderr, /systemctl daemon-reload && systemctl enable --now stowage-plugin\.socket/);
  });

  test('a unit from before socket activation: refused without --force, then the upgrade steps are printed', () => {
    const old = join(dir, 'old-units');
    run('plugin', 'install', '--unit-dir', old);
    rmSync(join(old, 'stowage-plugin.socket'));
    writeFileSync(
      join(old, 'stowage-plugin.service'),
      '[Service]\nExecStart=/usr/bin/stowage plugin serve\n',
    );
    const refused = run('plugin', 'install', '--unit-dir', old);
    assert.equal(refused.status, 4);
    assert.match(refused.stderr, /stowage-plugin\.service exists with other content/);
    assert.equal(existsSync(join(old, 'stowage-plugin.socket')), false, 'a refused install writes nothing');
    const forced = run('plugin', 'install', '--unit-dir', old, '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(
      forced.stderr,
      /systemctl daemon-reload && systemctl stop stowage-plugin\.service && systemctl reenable stowage-plugin\.service && systemctl enable --now stowage-plugin\.socket/,
    );
    assert.match(
      readFileSync(join(old, 'stowage-plugin.service'), 'utf8'),
      /^Requires=stowage-plugin\.socket$/m,
    );
  });
});

function writeConfig(dataDir: string, text: string): void {
  spawnSync('mkdir', ['-p', dataDir]);
  writeFileSync(join(dataDir, 'config.yaml'), text);
}

describe('the units as systemd reads them (systemd-analyze, offline)', () => {
  const checked = join(dir, 'checked-units');
  const oddData = join(dir, 'my data 50%');

  test('systemd 252 parses every setting, an odd data folder included, and knows every option', () => {
    ensureCommands({ 'systemd-analyze': 'systemd' });
    const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' };
    for (const command of [
      ['daemon', 'install', '--unit-dir', checked],
      ['plugin', 'install', '--unit-dir', checked],
    ]) {
      const result = spawnSync(process.execPath, [bin, '--data-dir', oddData, ...command], {
        encoding: 'utf8',
        env,
      });
      assert.equal(result.status, 0, result.stderr);
    }
    const units = ['stowage.service', 'stowage-plugin.socket', 'stowage-plugin.service'];
    const verify = spawnSync('systemd-analyze', ['verify', ...units.map((name) => `./${name}`)], {
      cwd: checked,
      encoding: 'utf8',
    });
    assert.equal(verify.status, 0, verify.stderr);
    assert.equal(verify.stderr + verify.stdout, '', 'no setting ignored or misread');
  });

  test('systemd rates the exposure of the daemon unit OK or better', () => {
    const security = spawnSync('systemd-analyze', ['security', '--offline=true', './stowage.service'], {
      cwd: checked,
      encoding: 'utf8',
    });
    const level = /Overall exposure level for stowage\.service: ([\d.]+) (\w+)/.exec(security.stdout);
    assert.ok(level, security.stdout + security.stderr);
    assert.ok(['PERFECT', 'SAFE', 'OK'].includes(level[2] ?? ''), level[0]);
  });
});

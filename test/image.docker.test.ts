/**
 * Stowage's container image, built offline by `npm run image` (scripts/image.ts) into the private engine:
 * it agrees with the repository's Dockerfile, lists the engine's volumes through the mounted socket, backs a
 * volume up into a mounted folder, and serves the daemon's API and dashboard.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { basePackages, buildStowageImage, dockerfileInstructions, finalStage } from '../scripts/image.ts';
import {
  docker,
  dockerOk,
  engineAvailable,
  fillVolume,
  IMAGE,
  SKIP_REASON,
  TestSession,
} from './support/engine.ts';
import { freePort } from './support/loopback.ts';

const root = join(import.meta.dirname, '..');
const socket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');

describe('the container image', { skip: !engineAvailable() && SKIP_REASON, timeout: 600_000 }, () => {
  const s = new TestSession();
  const folder = mkdtempSync(join(tmpdir(), 'stowage-image-backups-'));
  const source = `img-src-${s.id}`;
  const run = (...args: string[]) =>
    docker('run', '--rm', '--label', s.label, '-v', `${socket}:/var/run/docker.sock`, ...args);

  before(() => {
    buildStowageImage(process.env);
    s.volume(source);
    fillVolume(source, 'echo hello > /d/greeting');
  });
  after(() => {
    s.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  test('the offline image is what the Dockerfile describes', () => {
    const instructions = dockerfileInstructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    const config = JSON.parse(dockerOk('image', 'inspect', '-f', '{{json .Config}}', 'stowage:latest')) as {
      User: string;
      Env: string[];
      Entrypoint: string[];
      Cmd: string[];
      ExposedPorts: Record<string, unknown>;
      WorkingDir: string;
    };
    const stage = finalStage(instructions);
    const value = (keyword: string) =>
      stage.find((line) => line.startsWith(`${keyword} `))?.slice(keyword.length + 1);
    assert.equal(config.User, value('USER'));
    assert.deepEqual(config.Entrypoint, JSON.parse(value('ENTRYPOINT')!));
    assert.deepEqual(config.Cmd, JSON.parse(value('CMD')!));
    assert.equal(config.WorkingDir, value('WORKDIR'));
    assert.deepEqual(Object.keys(config.ExposedPorts), [`${value('EXPOSE')}/tcp`]);
    for (const env of stage.filter((line) => line.startsWith('ENV ')).map((line) => line.slice(4)))
      assert.ok(config.Env.includes(env), `ENV ${env}`);
    // The packages of the Dockerfile's base stage are installed, and the executable is where COPY puts it.
    const packages = basePackages(instructions);
    const installed = dockerOk(
      'run',
      '--rm',
      '--entrypoint',
      'dpkg-query',
      'stowage:latest',
      '-W',
      '-f',
      '${Package}\\n',
      ...packages,
    );
    assert.deepEqual(installed.split('\n').sort(), packages);
    const copy = stage.find((line) => line.startsWith('COPY '))!.split(/\s+/);
    assert.equal(config.Entrypoint[0], copy[2]);
    const versions = dockerOk(
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      'stowage:latest',
      '-c',
      'zstd --version && restic version',
    );
    assert.match(versions, /Zstandard CLI/);
    assert.match(versions, /restic 0\.\d+/);
  });

  test("`docker run … stowage ls` lists the engine's volumes through the mounted socket", () => {
    const result = run('stowage:latest', 'ls', '--json');
    assert.equal(result.status, 0, result.stderr);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((v) => v.name);
    assert.ok(names.includes(source), `${source} in ${names.join(', ')}`);
  });

  test('a backup from the container lands in a mounted folder and restores', () => {
    const backup = run(
      '-v',
      `${folder}:/backups`,
      'stowage:latest',
      'backup',
      source,
      '--to',
      '/backups',
      '--json',
    );
    assert.equal(backup.status, 0, backup.stderr);
    const archive = (JSON.parse(backup.stdout) as { backups: { archive: string }[] }).backups[0]!.archive;
    assert.ok(archive.startsWith('/backups/'), archive);
    assert.ok(readdirSync(join(folder, source)).some((name) => name.endsWith('.tar.zst')));
    // Restored by Stowage on the host, from the file the container wrote.
    const restored = s.stowage([
      'restore',
      join(folder, archive.slice('/backups/'.length)),
      '--to',
      `img-copy-${s.id}`,
    ]);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(dockerOk('run', '--rm', '-v', `img-copy-${s.id}:/d`, IMAGE, 'cat', '/d/greeting'), 'hello');
  });

  test('the daemon runs from the image: API with its token, and the dashboard', async () => {
    // The test engine has no bridge network to publish a port through (docs/TESTING.md): the container shares
    // the host's network here, and listens on loopback only.
    const port = await freePort();
    const name = `stowage-daemon-${s.id}`;
    dockerOk(
      'run',
      '-d',
      '--name',
      name,
      '--label',
      s.label,
      '--network',
      'host',
      '-v',
      `${socket}:/var/run/docker.sock`,
      '-v',
      `${s.dataDir}:/var/lib/stowage`,
      'stowage:latest',
      'daemon',
      '--listen',
      `127.0.0.1:${port}`,
    );
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      );
      if (!ready) await sleep(100);
    }
    assert.ok(ready, docker('logs', name).stderr);
    const token = dockerOk('exec', name, 'stowage', 'token');
    const volumes = await fetch(`http://127.0.0.1:${port}/api/volumes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(volumes.status, 200);
    assert.ok(((await volumes.json()) as { name: string }[]).some((v) => v.name === source));
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/volumes`)).status, 401);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.match(await page.text(), /src="\/assets\//);
  });
});

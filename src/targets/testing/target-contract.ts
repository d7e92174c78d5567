/**
 * The contract every target keeps, as node:test tests (restic's backend test suite): a target's own test
 * file describes how to make a fresh, empty place on a real server and calls `targetContract`. What a
 * user relies on is asserted through the Target interface, and what is really stored (temporary files,
 * unfinished multipart parts) through the place's own `stored()`, so "nothing is left behind" is checked
 * on the server, not taken on trust.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { isStowageError, type ErrorKind } from '../../core/errors.ts';
import type { Target } from '../contract.ts';
import type { TargetOptions } from '../target-options.ts';

export interface ContractPlace {
  /** The place's URL, for `openTarget` (the killed writer runs in a child process). */
  url: string;
  /** Options the child needs beyond its environment (which it inherits). */
  options?: TargetOptions;
  target: Target;
  /** Everything the server holds for this place, committed or not: files, temporary files, upload parts. */
  stored(): Promise<string[]>;
}

export interface ContractSubject {
  /** A new, empty place; each test gets its own. */
  fresh(options?: { pageSize?: number }): Promise<ContractPlace>;
  /** Mistakes the server refuses for good, each with the kind of error it must become. */
  refusals: { mistake: string; open(): Promise<Target>; kind: ErrorKind }[];
}

const bytes = (size: number, seed = 1) => {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
};

async function put(target: Target, key: string, data: Buffer): Promise<void> {
  const pending = await target.create(key);
  pending.stream.end(data);
  await pending.commit();
}

const read = async (target: Target, key: string, range?: { offset: number; length?: number }) =>
  buffer(await target.open(key, range));

export interface ContractFixture {
  subject: ContractSubject;
  stop(): Promise<void>;
}

/**
 * Registers the contract's tests for a target under `name`. `setup` starts the server (a server that
 * cannot start fails the run: no target is ever skipped); `more` registers the target's own tests, which
 * run on the same server before it stops.
 */
export function targetContract<Fixture extends ContractFixture>(
  name: string,
  setup: () => Promise<Fixture>,
  more?: (fixture: Fixture) => void,
): void {
  void describe(`target contract: ${name}`, async () => {
    const fixture = await setup();
    const { subject } = fixture;
    const opened: Target[] = [];
    after(async () => {
      for (const target of opened) await target.close();
      await fixture.stop();
    });
    const fresh = async (options?: { pageSize?: number }) => {
      const place = await subject.fresh(options);
      opened.push(place.target);
      return place;
    };

    void test('a committed object lists with its size, stats, reads whole and by range', async () => {
      const { target } = await fresh();
      const data = bytes(300_000);
      await put(target, 'vol/2026-01-01.tar.gz', data);
      await put(target, 'vol/empty', Buffer.alloc(0));
      const listed = await target.list();
      assert.deepEqual(
        listed.map((o) => [o.key, o.size]),
        [
          ['vol/2026-01-01.tar.gz', data.length],
          ['vol/empty', 0],
        ],
      );
      assert.deepEqual(
        (await target.list('vol/2026')).map((o) => o.key),
        ['vol/2026-01-01.tar.gz'],
      );
      assert.deepEqual(
        (await target.list('other/')).map((o) => o.key),
        [],
      );
      const info = await target.stat('vol/2026-01-01.tar.gz');
      assert.equal(info?.size, data.length);
      assert.ok(info.modified instanceof Date && !Number.isNaN(info.modified.getTime()));
      assert.equal(await target.stat('vol/missing'), undefined);
      assert.ok((await read(target, 'vol/2026-01-01.tar.gz')).equals(data));
      assert.ok(
        (await read(target, 'vol/2026-01-01.tar.gz', { offset: 1000, length: 77 })).equals(
          data.subarray(1000, 1077),
        ),
      );
      assert.ok(
        (await read(target, 'vol/2026-01-01.tar.gz', { offset: 299_990 })).equals(data.subarray(299_990)),
      );
      assert.equal((await read(target, 'vol/2026-01-01.tar.gz', { offset: 5, length: 0 })).length, 0);
      assert.equal((await read(target, 'vol/empty')).length, 0);
    });

    void test('reading a missing object is not-found; a key that leaves the target is invalid', async () => {
      const { target } = await fresh();
      await assert.rejects(target.open('nope'), (error) => isStowageError(error, 'not-found'));
      await assert.rejects(target.create('../escape'), (error) => isStowageError(error, 'invalid'));
    });

    void test('a second commit under the same key replaces the first', async () => {
      const { target } = await fresh();
      await put(target, 'k', bytes(1000, 1));
      await put(target, 'k', bytes(500, 2));
      assert.ok((await read(target, 'k')).equals(bytes(500, 2)));
      assert.deepEqual(
        (await target.list()).map((o) => [o.key, o.size]),
        [['k', 500]],
      );
    });

    void test('a write is invisible until commit, and an aborted one leaves nothing stored', async () => {
      const place = await fresh();
      const { target } = place;
      const pending = await target.create('vol/backup.tar');
      // More than one S3 part, so the server really holds some of it before the abort.
      pending.stream.end(bytes(7 * 1024 * 1024));
      await once(pending.stream, 'finish');
      await waitUntil(async () => (await place.stored()).length > 0, 'the server holds the pending write');
      assert.deepEqual(await target.list(), []);
      assert.equal(await target.stat('vol/backup.tar'), undefined);
      await assert.rejects(target.open('vol/backup.tar'), (error) => isStowageError(error, 'not-found'));
      await pending.abort();
      await pending.abort(); // twice is fine
      assert.deepEqual(await target.list(), []);
      assert.deepEqual(await place.stored(), []);
    });

    void test('a writer whose stream breaks mid-upload leaves nothing listed, and abort leaves nothing stored', async () => {
      const place = await fresh();
      const { target } = place;
      const pending = await target.create('vol/broken.tar');
      pending.stream.write(bytes(7 * 1024 * 1024));
      await waitUntil(async () => (await place.stored()).length > 0, 'the server holds the pending write');
      pending.stream.destroy(new Error('the volume could not be read'));
      await assert.rejects(pending.commit());
      await pending.abort();
      assert.deepEqual(await target.list(), []);
      await waitUntil(async () => (await place.stored()).length === 0, 'the broken upload is cleaned up');
    });

    void test('a killed writer leaves nothing that lists, and sweep removes what it left', async () => {
      const place = await fresh();
      const { target } = place;
      await put(target, 'vol/kept', bytes(10));
      const child = spawn(
        process.execPath,
        [
          fileURLToPath(new URL('./crash-writer.ts', import.meta.url)),
          place.url,
          'vol/killed.tar',
          String(7 * 1024 * 1024),
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, STOWAGE_TEST_TARGET_OPTIONS: JSON.stringify(place.options ?? {}) },
        },
      );
      try {
        const [line] = (await once(child.stdout, 'data')) as [Buffer];
        assert.match(line.toString(), /written/);
        // The child has written; wait until the server holds some of it (an upload part, a temporary file).
        await waitUntil(async () => (await place.stored()).length > 1, 'the writer stores something');
      } finally {
        child.kill('SIGKILL');
      }
      await once(child, 'exit');
      assert.deepEqual(
        (await target.list()).map((o) => o.key),
        ['vol/kept'],
      );
      assert.equal(await target.stat('vol/killed.tar'), undefined);
      const swept = await target.sweep({ staleAfterMs: 0 });
      assert.equal(swept.length, 1, `sweep removed ${JSON.stringify(swept)}`);
      assert.deepEqual(await place.stored(), ['vol/kept']);
      assert.deepEqual(
        (await target.list()).map((o) => o.key),
        ['vol/kept'],
      );
    });

    void test('sweep leaves a live writer alone', async () => {
      const place = await fresh();
      const { target } = place;
      const pending = await target.create('vol/live.tar');
      pending.stream.write(bytes(1000));
      assert.deepEqual(await target.sweep(), []);
      pending.stream.end();
      await pending.commit();
      assert.deepEqual(
        (await target.list()).map((o) => o.key),
        ['vol/live.tar'],
      );
    });

    void test('remove deletes an object; removing a missing one is fine', async () => {
      const place = await fresh();
      const { target } = place;
      await put(target, 'a', bytes(10));
      await put(target, 'b', bytes(10));
      await target.remove('a');
      await target.remove('a');
      assert.deepEqual(
        (await target.list()).map((o) => o.key),
        ['b'],
      );
      assert.deepEqual(await place.stored(), ['b']);
    });

    void test('listing returns every object across pages and folders', async () => {
      const { target } = await fresh({ pageSize: 3 });
      const keys = Array.from({ length: 11 }, (_, i) => `vol-${i % 3}/b-${String(i).padStart(2, '0')}`);
      for (const key of keys) await put(target, key, bytes(i(key)));
      const listed = await target.list();
      assert.deepEqual(
        listed.map((o) => o.key),
        [...keys].sort(),
      );
      assert.deepEqual(
        listed.map((o) => o.size),
        [...keys].sort().map(i),
      );
      assert.equal((await target.list('vol-1/')).length, 4);
    });

    for (const refusal of subject.refusals) {
      void test(`a permanent error names the target: ${refusal.mistake}`, async () => {
        const target = await refusal.open();
        opened.push(target);
        for (const attempt of [() => target.list(), () => target.create('vol/x')]) {
          await assert.rejects(attempt(), (error) => {
            assert.ok(
              isStowageError(error, refusal.kind),
              `expected a ${refusal.kind} StowageError, got ${String(error)}`,
            );
            assert.ok(error.message.includes(target.url), `"${error.message}" names ${target.url}`);
            assert.ok(error.hint, 'it says what to fix');
            return true;
          });
        }
      });
    }

    more?.(fixture);
  });
}

const i = (key: string) => Number(key.slice(-2)) + 1;

/** Polls a condition the server reaches on its own (an upload in flight); fails after a minute. */
async function waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting until ${what}`);
    await sleep(50);
  }
}

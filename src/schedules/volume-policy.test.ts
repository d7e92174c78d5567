import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStowagePluginVolume } from '../inventory/plugin-volumes.ts';
import { volumePolicy } from './volume-policy.ts';
import { labelSchedules, selectVolumes } from './volume-selection.ts';
import type { EngineVolume } from '../engine/contract.ts';

const volume = (
  name: string,
  driver: string,
  options: Record<string, string>,
  labels: Record<string, string> = {},
): EngineVolume => ({
  name,
  driver,
  mountpoint: '',
  createdAt: undefined,
  labels,
  scope: 'local',
  options,
  status: undefined,
});

describe('backup policy of plugin volumes', () => {
  it('recognises the plugin by its driver name', () => {
    for (const [driver, expected] of [
      ['stowage', true],
      ['stowage-t1a2', true],
      ['stowage.prod', true],
      ['local', false],
      ['stowaged', false],
      ['vieux/sshfs', false],
    ] as const)
      assert.equal(isStowagePluginVolume({ driver }), expected, driver);
  });

  it('reads backup= and keep= options of plugin volumes only, labels first', () => {
    assert.deepEqual(volumePolicy(volume('a', 'stowage', { backup: '@daily', keep: 'last:7' })), {
      schedule: '@daily',
      keep: 'last:7',
      scheduleFrom: 'option backup',
      keepFrom: 'option keep',
    });
    assert.equal(volumePolicy(volume('b', 'local', { backup: '@daily' })).schedule, undefined);
    assert.equal(
      volumePolicy(volume('c', 'stowage', { backup: '@daily' }, { 'stowage.backup.schedule': '@hourly' }))
        .schedule,
      '@hourly',
    );
  });

  it('makes a volume schedule with the option keep applied', () => {
    const volumes = [volume('db', 'stowage', { type: 'dir', backup: '@daily', keep: 'last:7,daily:7' })];
    const { schedules, problems } = labelSchedules(volumes, []);
    assert.deepEqual(problems, []);
    assert.equal(schedules[0]?.name, 'volume:db');
    assert.equal(schedules[0]?.cron, '@daily');
    assert.deepEqual(selectVolumes(schedules[0], volumes), [
      { name: 'db', keep: 'last:7,daily:7', keepProblem: undefined },
    ]);
  });

  it('names the option in problems', () => {
    const { problems } = labelSchedules([volume('x', 'stowage', { backup: 'often' })], []);
    assert.match(problems[0]!, /volume x: option backup: "often"/);
  });
});

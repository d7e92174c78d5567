import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VolumeSummary } from '../catalog/history-store.ts';
import { planReconcile, type ReconcileInput, type ReconcilePlan } from './reconcile.ts';

function summary(volume: string, fields: Partial<VolumeSummary> = {}): VolumeSummary {
  return {
    engineId: 'e',
    volume,
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-11-01T00:00:00.000Z',
    lastMountedAt: null,
    destroyedAt: null,
    firstUser: null,
    ...fields,
  };
}
const volume = (name: string, createdAt = '2026-11-01T00:00:00Z') => ({ name, createdAt });
const running = (id: string, ...mounts: [string, string][]) => ({
  id,
  name: `name-${id}`,
  image: 'busybox',
  mounts: mounts.map(([v, destination]) => ({ volume: v, destination, readOnly: false })),
});
const open = (v: string, containerId: string) => ({
  volume: v,
  containerId,
  containerName: `name-${containerId}`,
});

const nothing: ReconcilePlan = { seen: [], recreated: [], destroyed: [], mounted: [], unmounted: [] };

const cases: { name: string; input: Partial<ReconcileInput>; expected: Partial<ReconcilePlan> }[] = [
  {
    name: 'history and engine agree: nothing to do',
    input: { volumes: [volume('a')], summaries: [summary('a')] },
    expected: {},
  },
  {
    name: 'a volume the history has not seen',
    input: { volumes: [volume('new', '2026-11-20T10:00:00Z')] },
    expected: { seen: [{ volume: 'new', createdAt: '2026-11-20T10:00:00.000Z' }] },
  },
  {
    name: 'a volume without a creation time',
    input: { volumes: [{ name: 'plugin-vol', createdAt: undefined }] },
    expected: { seen: [{ volume: 'plugin-vol', createdAt: null }] },
  },
  {
    name: 'a volume removed while unseen',
    input: { volumes: [], summaries: [summary('gone')] },
    expected: { destroyed: ['gone'] },
  },
  {
    name: 'a volume already recorded as removed stays so',
    input: { volumes: [], summaries: [summary('gone', { destroyedAt: '2026-11-02T00:00:00.000Z' })] },
    expected: {},
  },
  {
    name: 'removed, then created again while unseen',
    input: {
      volumes: [volume('again', '2026-11-21T00:00:00Z')],
      summaries: [summary('again', { destroyedAt: '2026-11-02T00:00:00.000Z' })],
    },
    expected: { recreated: [{ volume: 'again', createdAt: '2026-11-21T00:00:00.000Z', replaced: false }] },
  },
  {
    name: 'replaced by a newer volume of the same name while unseen',
    input: { volumes: [volume('same', '2026-11-21T00:00:00Z')], summaries: [summary('same')] },
    expected: { recreated: [{ volume: 'same', createdAt: '2026-11-21T00:00:00.000Z', replaced: true }] },
  },
  {
    name: 'the engine reports creation in whole seconds: the same volume',
    input: {
      volumes: [volume('same', '2026-11-01T00:00:00Z')],
      summaries: [summary('same', { createdAt: '2026-11-01T00:00:00.457Z' })],
    },
    expected: {},
  },
  {
    name: 'a running container the history has not seen mount: mounted now',
    input: { volumes: [volume('a')], summaries: [summary('a')], running: [running('c1', ['a', '/data'])] },
    expected: {
      mounted: [
        {
          volume: 'a',
          containerId: 'c1',
          containerName: 'name-c1',
          image: 'busybox',
          destination: '/data',
          readOnly: false,
        },
      ],
    },
  },
  {
    name: 'a running container already recorded as mounting: nothing',
    input: {
      volumes: [volume('a')],
      summaries: [summary('a')],
      running: [running('c1', ['a', '/data'])],
      openMounts: [open('a', 'c1')],
    },
    expected: {},
  },
  {
    name: 'one volume at two paths of one container: one mount',
    input: {
      volumes: [volume('a')],
      summaries: [summary('a')],
      running: [running('c1', ['a', '/x'], ['a', '/y'])],
    },
    expected: {
      mounted: [
        {
          volume: 'a',
          containerId: 'c1',
          containerName: 'name-c1',
          image: 'busybox',
          destination: '/x',
          readOnly: false,
        },
      ],
    },
  },
  {
    name: 'a recorded mount whose container stopped unseen: unmounted now',
    input: { volumes: [volume('a')], summaries: [summary('a')], openMounts: [open('a', 'gone')] },
    expected: { unmounted: [open('a', 'gone')] },
  },
  {
    name: 'still running, but now mounting another volume',
    input: {
      volumes: [volume('a'), volume('b')],
      summaries: [summary('a'), summary('b')],
      running: [running('c1', ['b', '/b'])],
      openMounts: [open('a', 'c1')],
    },
    expected: {
      mounted: [
        {
          volume: 'b',
          containerId: 'c1',
          containerName: 'name-c1',
          image: 'busybox',
          destination: '/b',
          readOnly: false,
        },
      ],
      unmounted: [open('a', 'c1')],
    },
  },
];

describe('planReconcile', () => {
  for (const c of cases) {
    test(c.name, () => {
      const plan = planReconcile({ volumes: [], running: [], summaries: [], openMounts: [], ...c.input });
      assert.deepEqual(plan, { ...nothing, ...c.expected });
    });
  }
});

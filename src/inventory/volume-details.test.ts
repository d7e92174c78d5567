import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineContainerDetails, EngineMount } from '../engine/contract.ts';
import { findCreator } from './volume-details.ts';

const VOL = '224160cf9e165dd65c22483d039810c87e7761c0a9a9204f73622f32cb9b2d2a';

const volumeMount = (name: string, destination: string, readOnly = false): EngineMount => ({
  type: 'volume',
  name,
  source: `/var/lib/docker/volumes/${name}/_data`,
  destination,
  driver: 'local',
  mode: '',
  readOnly,
  propagation: '',
});

function details(
  name: string,
  created: string,
  fields: Partial<EngineContainerDetails>,
): EngineContainerDetails {
  return {
    id: `id-${name}`,
    name,
    image: `image-of-${name}`,
    state: 'running',
    running: true,
    createdAt: new Date(created),
    labels: {},
    mounts: [],
    tmpfs: {},
    tmpfsSizes: {},
    declaredVolumes: [],
    volumesFrom: [],
    ...fields,
  };
}

// As recorded on Docker 20.10: `run -v /data` (ut-a), then `create --volumes-from ut-a:ro` (ut-c).
const creator = details('ut-a', '2026-11-25T20:16:11.077Z', {
  mounts: [volumeMount(VOL, '/data')],
  declaredVolumes: ['/data'],
});
const borrower = details('ut-c', '2026-11-25T20:16:11.282Z', {
  mounts: [volumeMount(VOL, '/data', true)],
  volumesFrom: ['ut-a:ro'],
});
// Same image with VOLUME /data, started later with --volumes-from: it declares the path too.
const laterDeclarer = details('late', '2026-11-26T08:00:00Z', {
  mounts: [volumeMount(VOL, '/data')],
  declaredVolumes: ['/data'],
  volumesFrom: ['ut-a'],
});
// Mounts the volume by name at a path it does not declare: `-v <hex>:/import`.
const byName = details('by-name', '2026-11-20T00:00:00Z', {
  mounts: [volumeMount(VOL, '/import')],
  declaredVolumes: ['/data'],
});
const unrelated = details('other', '2026-11-01T00:00:00Z', {
  mounts: [volumeMount('pg-data', '/data')],
  declaredVolumes: ['/data'],
});

describe('findCreator', () => {
  const cases: [string, EngineContainerDetails[], string | undefined][] = [
    ['the declaring container', [creator], 'ut-a'],
    ['a --volumes-from user is ignored', [borrower, creator], 'ut-a'],
    ['only a --volumes-from user left: unknown', [borrower], undefined],
    ['the earliest declaring container wins, in any order', [laterDeclarer, borrower, creator], 'ut-a'],
    ['a later declarer is the creator once the first is gone', [laterDeclarer, borrower], 'late'],
    ['mounting the volume by name at an undeclared path does not count', [byName, borrower], undefined],
    ['a container declaring the path for another volume does not count', [unrelated, borrower], undefined],
    ['no containers', [], undefined],
  ];
  for (const [name, containers, expected] of cases) {
    test(name, () => assert.equal(findCreator(VOL, containers)?.containerName, expected));
  }

  test('tells the container, image and path', () => {
    assert.deepEqual(findCreator(VOL, [borrower, creator]), {
      containerId: 'id-ut-a',
      containerName: 'ut-a',
      image: 'image-of-ut-a',
      path: '/data',
    });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAnonymous } from './anonymous.ts';

const HEX64 = 'b0f70de35d6f60019329b42d74fe047b337c2412a43b7d7be02d957d6a855182';

describe('isAnonymous', () => {
  const cases: {
    name: string;
    volume: { name: string; labels: Record<string, string> };
    anonymous: boolean;
  }[] = [
    {
      name: '1.43+: labelled, generated name',
      volume: { name: HEX64, labels: { 'com.docker.volume.anonymous': '' } },
      anonymous: true,
    },
    {
      name: '1.43+: the label alone is enough',
      volume: { name: 'renamed-by-plugin', labels: { 'com.docker.volume.anonymous': '' } },
      anonymous: true,
    },
    { name: '1.41: no label, 64 hex digits', volume: { name: HEX64, labels: {} }, anonymous: true },
    {
      name: 'compose anonymous path on 1.43+: no label, generated name',
      volume: { name: HEX64, labels: { 'com.docker.compose.project': 'shop' } },
      anonymous: true,
    },
    { name: 'a named volume', volume: { name: 'pg-data', labels: {} }, anonymous: false },
    {
      name: 'a named compose volume',
      volume: { name: 'shop_db-data', labels: { 'com.docker.compose.volume': 'db-data' } },
      anonymous: false,
    },
    { name: '63 hex digits', volume: { name: HEX64.slice(1), labels: {} }, anonymous: false },
    { name: '65 hex digits', volume: { name: `${HEX64}0`, labels: {} }, anonymous: false },
    {
      name: 'upper-case hex is a name a user chose',
      volume: { name: HEX64.toUpperCase(), labels: {} },
      anonymous: false,
    },
    {
      name: '64 characters, not all hex',
      volume: { name: `${HEX64.slice(0, 63)}g`, labels: {} },
      anonymous: false,
    },
    {
      name: 'a similar label does not count',
      volume: { name: 'cache', labels: { 'com.docker.volume.anonymous.x': '' } },
      anonymous: false,
    },
  ];
  for (const { name, volume, anonymous } of cases) {
    test(name, () => assert.equal(isAnonymous(volume), anonymous));
  }
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { protectedByLabel } from './protection.ts';

describe('protectedByLabel', () => {
  const cases: { name: string; labels: Record<string, string>; extra?: string[]; protected: boolean }[] = [
    { name: 'no labels', labels: {}, protected: false },
    { name: 'stowage.protect=true', labels: { 'stowage.protect': 'true' }, protected: true },
    {
      name: 'stowage.protect=TRUE (case-insensitive value)',
      labels: { 'stowage.protect': 'TRUE' },
      protected: true,
    },
    { name: 'stowage.protect=false', labels: { 'stowage.protect': 'false' }, protected: false },
    { name: 'stowage.protect with an empty value', labels: { 'stowage.protect': '' }, protected: false },
    { name: 'stowage.protect=yes is not true', labels: { 'stowage.protect': 'yes' }, protected: false },
    { name: 'a configured KEY matches any value', labels: { keep: '' }, extra: ['keep'], protected: true },
    {
      name: 'a configured KEY matches a non-empty value',
      labels: { keep: 'forever' },
      extra: ['keep'],
      protected: true,
    },
    { name: 'a configured KEY that is absent', labels: { other: 'x' }, extra: ['keep'], protected: false },
    {
      name: 'a configured KEY=VALUE matches that value',
      labels: { tier: 'prod' },
      extra: ['tier=prod'],
      protected: true,
    },
    {
      name: 'a configured KEY=VALUE does not match another value',
      labels: { tier: 'dev' },
      extra: ['tier=prod'],
      protected: false,
    },
    {
      name: 'KEY=VALUE compares the value exactly',
      labels: { tier: 'Prod' },
      extra: ['tier=prod'],
      protected: false,
    },
    { name: 'KEY= matches only an empty value', labels: { tier: '' }, extra: ['tier='], protected: true },
    { name: 'KEY= does not match a set value', labels: { tier: 'prod' }, extra: ['tier='], protected: false },
    { name: 'a value may contain "="', labels: { expr: 'a=b' }, extra: ['expr=a=b'], protected: true },
    {
      name: 'any of several configured labels',
      labels: { team: 'db' },
      extra: ['keep', 'team=db'],
      protected: true,
    },
    {
      name: 'stowage.protect=false is not overridden by unrelated config',
      labels: { 'stowage.protect': 'false' },
      extra: ['keep'],
      protected: false,
    },
    {
      name: 'configured labels can protect where stowage.protect=false does not',
      labels: { 'stowage.protect': 'false', keep: '1' },
      extra: ['keep'],
      protected: true,
    },
  ];
  for (const { name, labels, extra, protected: expected } of cases) {
    test(name, () => assert.equal(protectedByLabel(labels, extra), expected));
  }
});

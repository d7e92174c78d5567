import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStowagePluginVolume, pluginUsage } from './plugin-volumes.ts';

describe('plugin volumes in the inventory', () => {
  it('knows the plugin by driver name', () => {
    assert.ok(isStowagePluginVolume({ driver: 'stowage' }));
    assert.ok(isStowagePluginVolume({ driver: 'stowage-prod' }));
    assert.ok(!isStowagePluginVolume({ driver: 'local' }));
    assert.ok(!isStowagePluginVolume({ driver: 'stowagex' }));
  });
  it('reads usedBytes from the Status, nothing else', () => {
    assert.equal(pluginUsage({ status: { usedBytes: 1234, quotaBytes: 99 } }), 1234);
    assert.equal(pluginUsage({ status: { usedBytes: null } }), undefined);
    assert.equal(pluginUsage({ status: { usedBytes: '12' } }), undefined);
    assert.equal(pluginUsage({ status: undefined }), undefined);
  });
});

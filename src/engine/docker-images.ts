/** The two image operations Stowage needs: is it there, and `docker load` of an image it made (never a pull). */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { isStowageError } from '../core/errors.ts';
import type { ImageApi, ImageSpec } from './contract.ts';
import { FIXED_TIME, fixedTar } from './fixed-tar.ts';
import type { Transport } from './transport.ts';

export class DockerImages implements ImageApi {
  readonly #http: Transport;

  constructor(transport: Transport) {
    this.#http = transport;
  }

  async exists(reference: string): Promise<boolean> {
    try {
      await this.#http.json('GET', `/images/${encodeURIComponent(reference)}/json`, {
        operation: `inspect image ${reference}`,
      });
      return true;
    } catch (error) {
      if (isStowageError(error, 'not-found')) return false;
      throw error;
    }
  }

  async loadImage(spec: ImageSpec): Promise<void> {
    const operation = `load image ${spec.reference}`;
    const platform = await this.#http.json<{ Os?: string; Arch?: string }>('GET', '/version', { operation });
    const archive = await saveFormat(spec, platform.Os || 'linux', platform.Arch || 'amd64');
    const response = await this.#http.streamUpload('POST', '/images/load', Readable.from([archive]), {
      query: { quiet: true },
      operation,
    });
    // The engine reports progress and errors as JSON lines in a 200 response.
    let text = '';
    for await (const chunk of response) text += String(chunk);
    const failure = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { error?: string })
      .find((l) => l.error);
    if (failure) throw new Error(`${operation}: ${failure.error}`);
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `docker save`'s format: `manifest.json`, the configuration named by its digest, and the layer. */
async function saveFormat(spec: ImageSpec, os: string, architecture: string): Promise<Buffer> {
  const layerDigest = sha256(spec.layer);
  const config = JSON.stringify({
    architecture,
    os,
    // Fixed: the image ID is the digest of this configuration, and a time that changed from one load to
    // the next would make each load a different image, the one loaded before left untagged.
    created: FIXED_TIME,
    config: { Cmd: spec.cmd, Labels: spec.labels },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    history: [{ created: FIXED_TIME, created_by: 'stowage' }],
  });
  const configName = `${sha256(config)}.json`;
  const layerName = `${layerDigest}/layer.tar`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [spec.reference], Layers: [layerName] }]);
  return fixedTar([
    [configName, Buffer.from(config)],
    [layerName, spec.layer],
    ['manifest.json', Buffer.from(manifest)],
  ]);
}

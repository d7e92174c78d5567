/** The two image operations Stowage needs: is it there, and `docker import` (never a pull). */
import type { Readable } from 'node:stream';
import { isStowageError } from '../core/errors.ts';
import type { ImageApi } from './contract.ts';
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

  async importRootfs(tar: Readable, reference: string, changes: string[]): Promise<void> {
    const [repo, tag] = splitReference(reference);
    const response = await this.#http.streamUpload('POST', '/images/create', tar, {
      query: { fromSrc: '-', repo, tag, changes },
      operation: `import image ${reference}`,
    });
    // The engine reports progress and errors as JSON lines in a 200 response.
    let text = '';
    for await (const chunk of response) text += String(chunk);
    const failure = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { error?: string })
      .find((l) => l.error);
    if (failure) throw new Error(`import image ${reference}: ${failure.error}`);
  }
}

function splitReference(reference: string): [string, string] {
  const at = reference.lastIndexOf(':');
  return at > reference.lastIndexOf('/')
    ? [reference.slice(0, at), reference.slice(at + 1)]
    : [reference, 'latest'];
}

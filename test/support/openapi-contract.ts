/**
 * Every response an API test receives is checked against the daemon's own OpenAPI document
 * (`GET /api/openapi.json`): the operation exists, it documents the status, the media type is the
 * documented one and a JSON body matches the documented schema (Ajv 8, as fastify itself validates). An
 * undocumented status, field or shape fails the test that received it, so the document cannot drift.
 *
 * Use `contractClient(base, () => token)` in place of a hand-written `fetch` wrapper; a response obtained
 * another way (an event stream opened with a ticket) goes through `check(method, path, response)`.
 */
import assert from 'node:assert/strict';
import AjvCompiler from '@fastify/ajv-compiler';

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** Paths the document does not describe on purpose: the document itself and the dashboard's files. */
const UNDOCUMENTED = (path: string) =>
  path === '/api/openapi.json' || !(path.startsWith('/api/') || path === '/metrics' || path === '/healthz');

export class OpenApiContract {
  readonly #base: string;
  readonly #token: () => string;
  #document: Promise<OpenApiDocument> | undefined;
  readonly #validators = new Map<object, Validate>();
  // The OpenAPI 3.0 dialect fastify-swagger writes (`nullable`), checked strictly: no coercion, no defaults.
  readonly #compile = AjvCompiler()(
    {},
    {
      customOptions: {
        strict: false,
        coerceTypes: false,
        useDefaults: false,
        removeAdditional: false,
        allErrors: true,
      },
    },
  );
  /** How many responses were checked, per `METHOD path-template status`: what the suites cover. */
  readonly checked = new Map<string, number>();

  constructor(base: string, token: () => string) {
    this.#base = base;
    this.#token = token;
  }

  document(): Promise<OpenApiDocument> {
    this.#document ??= fetch(`${this.#base}/api/openapi.json`, {
      headers: { authorization: `Bearer ${this.#token()}` },
    }).then(async (response) => {
      assert.equal(response.status, 200, 'GET /api/openapi.json');
      return (await response.json()) as OpenApiDocument;
    });
    return this.#document;
  }

  /** Asserts that `response` (to `method url`) is one the document describes. Reads a clone of the body. */
  async check(method: string, url: string, response: Response): Promise<void> {
    // As sent: a URL parser would turn `%2E%2E` into `..` and resolve it.
    const path = url.startsWith('/') ? (url.split('?')[0] ?? url) : new URL(url).pathname;
    if (UNDOCUMENTED(path)) return;
    const doc = await this.document();
    const where = `${method.toUpperCase()} ${path} → ${response.status}`;
    const found = findOperation(doc, method, path);
    let documented: ResponseObject | undefined;
    if (found) {
      documented = found.operation.responses[String(response.status)] ?? found.operation.responses.default;
      assert.ok(documented, `${where}: status not documented for ${found.template}`);
      const key = `${method.toUpperCase()} ${found.template} ${response.status}`;
      this.checked.set(key, (this.checked.get(key) ?? 0) + 1);
    } else {
      // No such route: the answer must still be the one error contract (an error status, the error body).
      assert.ok(response.status >= 400, `${where}: a path the document does not list answered success`);
      documented = anyErrorResponse(doc);
    }
    const mediaTypes = Object.keys(documented.content ?? {});
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (mediaTypes.length === 0) {
      assert.equal((await response.clone().text()).length, 0, `${where}: documented without a body`);
      return;
    }
    const mediaType = mediaTypes.find((type) => type === contentType);
    assert.ok(mediaType, `${where}: content type "${contentType}" is not one of ${mediaTypes.join(', ')}`);
    if (mediaType !== 'application/json') return; // text: the media type is the contract
    const schema = documented.content?.[mediaType]?.schema;
    assert.ok(schema, `${where}: no schema documented`);
    const body = JSON.parse(await response.clone().text()) as unknown;
    const validate = this.#validator(schema);
    assert.ok(
      validate(body),
      `${where}: body does not match the documented schema: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  }

  #validator(schema: object): Validate {
    let validate = this.#validators.get(schema);
    if (!validate) {
      validate = this.#compile({ schema }) as Validate;
      this.#validators.set(schema, validate);
    }
    return validate;
  }
}

function findOperation(
  doc: OpenApiDocument,
  method: string,
  path: string,
): { template: string; operation: Operation } | undefined {
  for (const [template, operations] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = operations[method.toLowerCase()];
    if (operation && pattern.test(path)) return { template, operation };
  }
  return undefined;
}

function anyErrorResponse(doc: OpenApiDocument): ResponseObject {
  for (const operations of Object.values(doc.paths))
    for (const operation of Object.values(operations)) {
      const response = operation.responses['404'];
      if (response) return response;
    }
  throw new Error('the document describes no error response');
}

export type ApiCall = (path: string, init?: RequestInit, auth?: string) => Promise<Response>;

/**
 * A `fetch` for the API at `base` that sends the token (or `auth`, '' for none) and checks every response
 * against the OpenAPI document before handing it back.
 */
export function contractClient(
  base: string,
  token: () => string,
): { api: ApiCall; contract: OpenApiContract } {
  const contract = new OpenApiContract(base, token);
  const api: ApiCall = async (path, init = {}, auth = token()) => {
    const response = await fetch(base + path, {
      ...init,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    await contract.check(init.method ?? 'GET', path, response);
    return response;
  };
  return { api, contract };
}

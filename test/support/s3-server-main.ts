/**
 * The process test/support/s3-server.ts starts: s3rver on 127.0.0.1:PORT storing in DIR, with BUCKETS.
 * It runs under `--openssl-legacy-provider` because s3rver's continuation tokens use DES, which Node's
 * OpenSSL 3 only has there (without it, every paginated listing answers InternalError).
 *
 * s3rver implements neither ListMultipartUploads nor AbortMultipartUpload; they are added in front of it,
 * as S3 documents them, on s3rver's own upload folders. `POST /__stowage/throttle?count=N` makes the next
 * N requests answer 503 SlowDown, as S3 throttles.
 * Usage: node --openssl-legacy-provider s3-server-main.ts DIR PORT BUCKET...
 */
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types; the little used here is declared below.
import S3rverModule from 's3rver';

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
  req: NodeJS.ReadableStream & { readableEnded: boolean };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  run(): Promise<unknown>;
}
const S3rver = S3rverModule as new (options: Record<string, unknown>) => S3rverInstance;

const [directory, port, ...buckets] = process.argv.slice(2);
if (!directory || !port) throw new Error('usage: s3-server-main.ts DIR PORT BUCKET...');

const uploadsOf = (bucket: string) => join(directory, bucket, '._S3rver_uploads');
const uploadIds = (bucket: string) => {
  try {
    return readdirSync(uploadsOf(bucket));
  } catch {
    return [];
  }
};
const xmlError = (ctx: KoaContext, status: number, code: string, message: string) => {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
};
const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** When the upload was initiated: its folder's birth time, or its change time where there is none. */
const created = (folder: string) => {
  const info = statSync(folder);
  return new Date(info.birthtimeMs || info.ctimeMs);
};

let throttled = 0;
const inFront: Middleware = async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/__stowage/throttle') {
    throttled = Number(ctx.query.count ?? 0);
    ctx.status = 204;
    return;
  }
  if (throttled > 0) {
    throttled -= 1;
    ctx.req.resume(); // read the body, so the client sees an answer and not a reset
    if (!ctx.req.readableEnded) await once(ctx.req, 'end');
    xmlError(ctx, 503, 'SlowDown', 'Please reduce your request rate.');
    return;
  }
  const [, bucket, ...rest] = ctx.path.split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query) {
    const prefix = ctx.query.prefix ?? '';
    const uploads = uploadIds(bucket)
      .flatMap((id) => {
        try {
          const folder = join(uploadsOf(bucket), id);
          return [{ id, key: readFileSync(join(folder, 'key'), 'utf8'), initiated: created(folder) }];
        } catch {
          return []; // being initiated: its key file is not written yet
        }
      })
      .filter((upload) => upload.key.startsWith(prefix));
    ctx.type = 'application/xml';
    ctx.body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Bucket>${escapeXml(bucket)}</Bucket><Prefix>${escapeXml(prefix)}</Prefix>`,
      '<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>',
      ...uploads.map(
        (u) =>
          `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
      ),
      '</ListMultipartUploadsResult>',
    ].join('');
    return;
  }
  const uploadId = ctx.query.uploadId;
  if (ctx.method === 'DELETE' && bucket && key && uploadId) {
    if (!/^[0-9a-f]+$/.test(uploadId) || !uploadIds(bucket).includes(uploadId))
      return xmlError(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    rmSync(join(uploadsOf(bucket), uploadId), { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  await next();
};

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
// Before s3rver's own middleware (Koa composes the array when the server starts).
server.middleware.unshift(inFront);
await server.run();

/**
 * Target URLs, parsed without I/O: a plain path or `file:///path` (a folder on this host),
 * `sftp://[user[:password]@]host[:port]/path`, `s3://bucket[/prefix]`. `local:/path` is how the catalog
 * has always named folders and stays accepted. Every mistake is an 'invalid' StowageError naming the URL
 * (redacted) and the form to write instead.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.ts';

export type TargetLocation =
  | { scheme: 'local'; path: string }
  | {
      scheme: 'sftp';
      host: string;
      port: number;
      /** Undefined: the current user, as ssh does. */
      username: string | undefined;
      password: string | undefined;
      /** Absolute (`/srv/backups`), or relative to the login's home folder (`backups`, from `/~/backups`). */
      path: string;
    }
  | { scheme: 's3'; bucket: string; /** '' or ends with '/' */ prefix: string };

const FORMS = 'a folder path, file:///path, sftp://[user@]host[:port]/path or s3://bucket[/prefix]';

/** @throws StowageError 'invalid' naming the URL and what to write instead. */
export function parseTargetUrl(text: string): TargetLocation {
  if (text.trim() === '') throw invalid('the target is empty', `give ${FORMS}`);
  if (text.startsWith('local:')) return { scheme: 'local', path: resolve(text.slice('local:'.length)) };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  // No scheme (or a Windows-like `c:` that is no URL): a folder path, as Stowage has always taken it.
  if (scheme === undefined) return { scheme: 'local', path: resolve(text) };
  // Checked before URL parsing, which refuses a port out of range as a whole ("not a valid URL").
  const port = /^[^:]+:\/\/(?:[^/?#]*@)?(?:\[[^\]]*\]|[^/?#:@[]*):([^/?#@:]*)(?=[/?#]|$)/.exec(text)?.[1];
  if (port !== undefined && port !== '' && !/^\d+$/.test(port)) badPort(text);
  if (port !== undefined && port !== '' && (Number(port) < 1 || Number(port) > 65535)) badPort(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`target ${redactUrl(text)} is not a valid URL`, `give ${FORMS}`);
  }
  switch (scheme) {
    case 'file':
      return parseFile(text, url);
    case 'sftp':
      return parseSftp(text, url);
    case 's3':
      return parseS3(text, url);
    default:
      throw invalid(
        `target ${redactUrl(text)}: Stowage cannot store backups at a ${scheme}:// URL`,
        `give ${FORMS}`,
      );
  }
}

function parseFile(text: string, url: URL): TargetLocation {
  if (url.host !== '' && url.host !== 'localhost')
    throw invalid(
      `target ${redactUrl(text)} names another host (${url.host}) in a file:// URL`,
      'a file:// URL names a folder on this host: write file:///path (three slashes); for another host use sftp://host/path',
    );
  return { scheme: 'local', path: fileURLToPath(new URL(`file://${url.pathname}`)) };
}

function parseSftp(text: string, url: URL): TargetLocation {
  if (url.hostname === '')
    throw invalid(`target ${redactUrl(text)} names no host`, 'write sftp://[user@]host[:port]/path');
  const port = parsePort(text, url, 22);
  let path = decodeURIComponent(url.pathname);
  if (path === '' || path === '/')
    throw invalid(
      `target ${redactUrl(text)} names no folder`,
      'write sftp://host/srv/backups (absolute) or sftp://host/~/backups (in the home folder)',
    );
  if (path.startsWith('/~/')) path = path.slice(3);
  else if (path === '/~') path = '.';
  return {
    scheme: 'sftp',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    path: path.replace(/\/+$/, '') || '/',
  };
}

function parseS3(text: string, url: URL): TargetLocation {
  if (url.hostname === '')
    throw invalid(
      `target ${redactUrl(text)} names no bucket`,
      'write s3://bucket or s3://bucket/prefix; the endpoint of an S3-compatible server goes in AWS_ENDPOINT_URL_S3',
    );
  if (url.port !== '' || url.username !== '' || url.password !== '')
    throw invalid(
      `target ${redactUrl(text)}: an s3:// URL names a bucket, not a server or credentials`,
      'write s3://bucket[/prefix]; set the endpoint with AWS_ENDPOINT_URL_S3 and credentials with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE',
    );
  const bucket = url.hostname;
  // S3's rule for new buckets (3-63 characters, lowercase letters, digits, dots and hyphens).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw invalid(
      `target ${redactUrl(text)}: "${bucket}" is not a valid S3 bucket name`,
      'bucket names are 3-63 lowercase letters, digits, dots and hyphens',
    );
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+/, '').replace(/\/+$/, '');
  return { scheme: 's3', bucket, prefix: prefix === '' ? '' : `${prefix}/` };
}

function parsePort(text: string, url: URL, fallback: number): number {
  if (url.port === '') return fallback;
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) badPort(text);
  return port;
}

function badPort(text: string): never {
  throw invalid(`target ${redactUrl(text)} has a bad port`, 'a port is a number from 1 to 65535');
}

/** The canonical URL of a location, as `Target.url` shows it: never a password. */
export function formatTargetUrl(location: TargetLocation): string {
  switch (location.scheme) {
    case 'local':
      return `local:${location.path}`;
    case 'sftp': {
      const user = location.username === undefined ? '' : `${encodeURIComponent(location.username)}@`;
      const host = location.host.includes(':') ? `[${location.host}]` : location.host;
      const port = location.port === 22 ? '' : `:${location.port}`;
      const path = location.path.startsWith('/') ? location.path : `/~/${location.path}`;
      return `sftp://${user}${host}${port}${path}`;
    }
    case 's3':
      return `s3://${location.bucket}${location.prefix === '' ? '' : `/${location.prefix.slice(0, -1)}`}`;
  }
}

/**
 * `text` with the password of its user part replaced by `***`, for messages and logs. Works on text that
 * is not a valid URL too (it never throws), so an error about a malformed URL can still print it.
 */
export function redactUrl(text: string): string {
  return text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#@:]*):[^/?#]*@/, '$1:***@');
}

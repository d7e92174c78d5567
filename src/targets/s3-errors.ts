/**
 * S3 failures as StowageErrors. The SDK has already retried what is transient (resets, 5xx, throttling)
 * by the time an error gets here, so each is final: the message names the target and the operation, the
 * hint says what to fix.
 */
import { StowageError, isStowageError } from '../core/errors.ts';

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'InvalidClientTokenId',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** `where` is the target's URL (and endpoint, when there is one); `operation` what was being done. */
export function s3Error(error: unknown, where: string, operation: string): StowageError {
  if (isStowageError(error)) return error;
  const sdk = (error ?? {}) as SdkError;
  const code = sdk.Code ?? sdk.name ?? sdk.code ?? '';
  const status = sdk.$metadata?.httpStatusCode;
  const text = sdk.message ?? String(error);
  const fail = (kind: StowageError['kind'], problem: string, hint: string) =>
    new StowageError(kind, `cannot ${operation} at ${where}: ${problem}`, { hint, cause: error });

  if (code === 'NoSuchBucket')
    return fail(
      'not-found',
      'the bucket does not exist',
      'create the bucket, or correct its name in the URL; check AWS_ENDPOINT_URL_S3 if it lives on another server',
    );
  if (code === 'NoSuchKey' || (code === 'NotFound' && status === 404))
    return fail('not-found', 'no such object', 'list the target to see which backups it holds');
  if (CREDENTIALS.has(code) || /credential|Could not load credentials/i.test(text))
    return fail(
      'invalid',
      `the credentials were refused (${code || text})`,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) to a key this server accepts',
    );
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403)
    return fail(
      'invalid',
      'access denied',
      'give these credentials s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload and s3:ListBucketMultipartUploads on the bucket',
    );
  if (/Region is missing/i.test(text))
    return fail('invalid', 'no AWS region is set', 'set AWS_REGION (or a region in your AWS profile)');
  if (NETWORK.has(sdk.code ?? '') || NETWORK.has(code) || /ECONNREFUSED|socket hang up/i.test(text))
    return fail(
      'unreachable',
      `the server does not answer (${text})`,
      'check the endpoint (AWS_ENDPOINT_URL_S3) and the network; Stowage retried before giving up',
    );
  return fail('failed', `${code ? `${code}: ` : ''}${text}`, 'see the server\u2019s message above');
}

/** How many retries the SDK made for one request, from the attempts it records on outputs and errors. */
export function retriesOf(value: unknown): number {
  const attempts = (value as SdkError | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? attempts - 1 : 0;
}

/**
 * The only way this service fetches anything named by someone else (a trusted issuer's JWKS
 * when the admin asks, a status list on an allowed host): a bounded time, a bounded size, no
 * redirects (a redirect could lead anywhere, including our own network) and no cookies.
 */
export interface LimitedFetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
  accept?: string;
}

export class FetchFailed extends Error {
  constructor(
    readonly reason: 'timeout' | 'too_large' | 'http_status' | 'network' | 'not_allowed',
    message: string,
  ) {
    super(message);
    this.name = 'FetchFailed';
  }
}

export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_FETCH_MAX_BYTES = 1_000_000;

export async function limitedFetch(
  url: string,
  options: LimitedFetchOptions = {},
): Promise<{ body: string; contentType: string }> {
  const { timeoutMs = DEFAULT_FETCH_TIMEOUT_MS, maxBytes = DEFAULT_FETCH_MAX_BYTES } = options;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new FetchFailed(
      'not_allowed',
      `Only http(s) addresses are fetched, not ${parsed.protocol}`,
    );
  let response: Response;
  try {
    response = await fetch(parsed, {
      redirect: 'error',
      credentials: 'omit',
      headers: { accept: options.accept ?? 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    throw name === 'TimeoutError' || name === 'AbortError'
      ? new FetchFailed('timeout', `No answer from ${parsed.host} within ${timeoutMs} ms`)
      : new FetchFailed('network', `${parsed.host} could not be reached`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FetchFailed('http_status', `${parsed.host} answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchFailed('too_large', `The answer is over ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new FetchFailed('too_large', `The answer is over ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    const name = (error as Error).name;
    throw name === 'TimeoutError' || name === 'AbortError'
      ? new FetchFailed('timeout', `No answer from ${parsed.host} within ${timeoutMs} ms`)
      : new FetchFailed('network', `The answer from ${parsed.host} broke off`);
  }
  return {
    body: Buffer.concat(chunks).toString('utf8'),
    contentType: response.headers.get('content-type') ?? '',
  };
}

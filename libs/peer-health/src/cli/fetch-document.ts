import { CliFailure } from '../base/errors/cli-failure.error';
import { type Options } from './cli-arguments';
import { EXIT_INTERRUPTED, EXIT_UNAVAILABLE, REQUEST_TIMEOUT_MS } from './cli-settings';
import { parseLeaseHealthDocument, type LeaseHealthDocument } from './lease-health-document';
import { printable } from './peer-table';
import { unreachableMessage } from './unreachable-host';

/** GETs and validates the lease-health document; failures become CliFailures with the exit code. */
export async function fetchDocument(target: Pick<Options, 'url' | 'urlSource' | 'path' | 'token'>, signal: AbortSignal | undefined): Promise<LeaseHealthDocument> {
  const token = target.token;
  const baseUrl = target.url;
  const endpoint = `${baseUrl}${target.path}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let status: number;
  let contentType: string | null;
  let body: string;
  try {
    // The body is read under the same signal, so a server that stalls mid-body also times out.
    const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(endpoint, { signal: combined, headers });
    status = response.status;
    contentType = response.headers.get('content-type');
    body = await response.text();
  } catch (error: unknown) {
    if (signal?.aborted) throw new CliFailure('interrupted', EXIT_INTERRUPTED);
    throw new CliFailure(unreachableMessage(endpoint, target.url, target.urlSource, error, REQUEST_TIMEOUT_MS), EXIT_UNAVAILABLE);
  }
  const notDocument = (detail: string): CliFailure =>
    new CliFailure(
      `${endpoint} did not answer with a lease-health document (HTTP ${status}): ${detail}`,
      EXIT_UNAVAILABLE,
    );
  if (status !== 200) throw notDocument(describeBody(contentType, body));
  try {
    return parseLeaseHealthDocument(body);
  } catch (error: unknown) {
    throw notDocument(error instanceof Error ? error.message : String(error));
  }
}

/** What a wrong answer looked like: its content type and the start of its body, on one line. */
function describeBody(contentType: string | null, body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return `${contentType ?? 'no content type'}, empty body`;
  const start = oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
  return `${contentType ?? 'no content type'} body ${printable(JSON.stringify(start))}`;
}

import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import {
  Controller,
  Get,
  Header,
  Inject,
  Injectable,
  Req,
  Res,
  ServiceUnavailableException,
  UseGuards,
  VERSION_NEUTRAL,
  type CanActivate,
  type StreamableFile,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import { DEFAULT_MAX_PEER_ID_LENGTH } from '../base/peer-health.defaults';
import { FEDERATED_READ_HEADER, PARTIAL_ANSWER_HEADER } from '../base/peer-health.headers';
import { LEASE_HEALTH_ROUTE } from '../base/peer-health.routes';
import { PEER_HEALTH_RESOLVED_OPTIONS } from '../base/peer-health.constants';
import { platformBody } from './body/lease-health-controller-body';
import { parseLeaseHealthQuery, type LeaseHealthQuery } from './lease-health-query';
import { encodeCursor } from './query/lease-health-cursor';
import { PeerHealthDiagnosticsService } from './peer-health-diagnostics.service';
import { LeaseHealthEventHub } from './events/lease-health-event-hub';
import { watcherCredential } from './events/watcher-credential';

/** What the controller reads of the platform's request (Fastify's and Express's both have it). */
interface RequestLike {
  readonly query: unknown;
  readonly url?: string;
  /** Express's full path when the app is mounted under a sub-path. */
  readonly originalUrl?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Fastify's reply: the raw response is taken over with hijack(); Express's response is the raw response. */
interface StreamReply {
  readonly raw?: ServerResponse;
  hijack?(): unknown;
}

/** What the controller needs of the platform's reply (Fastify's and Express's both have it). */
interface ReplyHeaders {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** Node lower-cases request header names. */
const FEDERATED_READ_HEADER_NAME = FEDERATED_READ_HEADER.toLowerCase();

/** `Link: <path?…&cursor=…>; rel="next"`: the same path and parameters, with the next page's cursor. */
function nextPageLink(request: RequestLike, query: LeaseHealthQuery, nextAfter: string): string {
  const url = request.originalUrl ?? request.url ?? '';
  const path = url.split('?', 1)[0] ?? '';
  const parameters = new URLSearchParams();
  for (const [name, value] of query.carried) parameters.append(name, value);
  parameters.append('cursor', encodeCursor(nextAfter));
  return `<${path}?${parameters.toString()}>; rel="next"`;
}

/**
 * Lets the body's buffers be reused once the response is closed: then its last bytes were handed to
 * the operating system, or the connection is gone and nothing more is written. Without a raw
 * response to watch, the body is never released (never reused, only collected).
 */
function releaseOnClose(raw: ServerResponse | undefined, release: () => void): void {
  if (!raw) return;
  if (raw.closed) release();
  else raw.once('close', release);
}

/**
 * Serves `GET <pathPrefix>/lease-health`: the merged view of every snapshot provider, never a dispatcher's.
 * @internal
 */
@Injectable()
export class LeaseHealthController {
  constructor(
    private readonly diagnostics: PeerHealthDiagnosticsService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: LeaseHealthEventHub,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) private readonly options: ResolvedPeerHealthOptions,
  ) {}

  @Get(LEASE_HEALTH_ROUTE)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  async leaseHealth(
    // One request parameter rather than @Query and @Headers: the conditional path stays lean.
    @Req() request: RequestLike,
    @Res({ passthrough: true }) reply: ReplyHeaders & StreamReply,
  ): Promise<Buffer | string | Readable | StreamableFile | undefined> {
    const filter = parseLeaseHealthQuery(request.query, this.options.maxPeerIdLength ?? DEFAULT_MAX_PEER_ID_LENGTH);
    const ifNoneMatch = request.headers['if-none-match'];
    const federated = request.headers[FEDERATED_READ_HEADER_NAME] !== undefined;
    const { rendered, release } = await this.diagnostics.renderHeld(filter, typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, federated);
    const fastify = this.adapterHost.httpAdapter.getType() === 'fastify';
    releaseOnClose(fastify ? reply.raw : (reply as unknown as ServerResponse), release);
    if (rendered.etag !== undefined) reply.header('ETag', rendered.etag);
    if (filter && rendered.nextAfter !== undefined) reply.header('Link', nextPageLink(request, filter, rendered.nextAfter));
    if (rendered.leftOut.length > 0) reply.header(PARTIAL_ANSWER_HEADER, rendered.leftOut.join(', '));
    if (rendered.notModified) reply.status(304);
    return platformBody(rendered.body, fastify);
  }

  /** `GET <prefix>/lease-health/events`: the tracker's transitions, anomalies and leadership changes as Server-Sent Events. */
  @Get(`${LEASE_HEALTH_ROUTE}/events`)
  watch(@Req() request: RequestLike, @Res() reply: StreamReply): void {
    const credential = watcherCredential(request.headers['authorization']);
    const refusal = this.events.refusal(credential);
    if (refusal !== undefined) throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: refusal });
    const fastify = this.adapterHost.httpAdapter.getType() === 'fastify';
    const raw = fastify ? reply.raw : (reply as unknown as ServerResponse);
    if (!raw) throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'No raw response to stream to' });
    // Fastify must not answer this request itself: the hub owns the response from here on.
    if (fastify) reply.hijack?.();
    const lastEventId = request.headers['last-event-id'];
    this.events.watch(raw, typeof lastEventId === 'string' ? lastEventId : undefined, credential);
  }
}

/**
 * A controller class bound to `pathPrefix` and guarded by `guards`; one per module definition, so
 * hosts never share route metadata. Version-neutral: an app's URI versioning never moves it.
 * @internal
 */
export function createLeaseHealthController(
  pathPrefix: string,
  guards: readonly (Type<CanActivate> | CanActivate)[] = [],
): Type<LeaseHealthController> {
  @Controller({ path: pathPrefix, version: VERSION_NEUTRAL })
  class PrefixedLeaseHealthController extends LeaseHealthController {}
  if (guards.length > 0) UseGuards(...guards)(PrefixedLeaseHealthController);
  Object.defineProperty(PrefixedLeaseHealthController, 'name', { value: LeaseHealthController.name });
  return PrefixedLeaseHealthController;
}

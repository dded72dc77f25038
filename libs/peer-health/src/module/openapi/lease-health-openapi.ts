import { NEVER_WIRE_DATE } from '../../base/wire-date';
import { MAX_PAGE_LIMIT } from '../../diagnostics/lease-health-query';

/** A JSON Schema object as OpenAPI 3 writes it (the subset used here). */
export interface SchemaLike {
  readonly [keyword: string]: unknown;
}

/** One query parameter of `GET <prefix>/lease-health`, as `@ApiQuery()` takes it. */
export interface QueryParameterLike {
  readonly name: string;
  readonly required: false;
  readonly description: string;
  readonly schema: SchemaLike;
}

const wireDate: SchemaLike = {
  type: 'string',
  description: `ISO-8601 UTC with '+00:00', milliseconds without trailing zeros; '${NEVER_WIRE_DATE}' means never`,
  example: '2026-11-24T09:30:01.25+00:00',
};

/** The wire document of `GET <prefix>/lease-health` (docs/wire-format.md): these keys, in this order. */
export const LEASE_HEALTH_DOCUMENT_SCHEMA: SchemaLike = {
  type: 'object',
  required: ['peers', 'summary'],
  additionalProperties: false,
  properties: {
    peers: {
      type: 'array',
      description: 'Every peer of every snapshot provider, merged by peerId, in peerId order',
      items: {
        type: 'object',
        required: ['peerId', 'lastHeartbeat', 'isHealthy', 'activeAssignments', 'pendingReassignments', 'activeLeases', 'metadata'],
        additionalProperties: false,
        properties: {
          peerId: { type: 'string' },
          lastHeartbeat: wireDate,
          lastDisconnect: { ...wireDate, description: 'omitted when the peer never disconnected' },
          isHealthy: { type: 'boolean' },
          activeAssignments: { type: 'integer', minimum: 0 },
          pendingReassignments: { type: 'integer', minimum: 0 },
          activeLeases: {
            type: 'array',
            items: {
              type: 'object',
              required: ['sequenceId', 'attempt', 'leaseId'],
              additionalProperties: false,
              properties: {
                sequenceId: { type: 'integer', minimum: 0 },
                attempt: { type: 'integer', minimum: 0 },
                leaseId: { type: 'string', format: 'uuid' },
              },
            },
          },
          metadata: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
    summary: {
      type: 'object',
      required: ['eligiblePeers', 'unhealthyPeers', 'pendingReassignments'],
      additionalProperties: false,
      properties: {
        eligiblePeers: { type: 'integer', minimum: 0 },
        unhealthyPeers: { type: 'integer', minimum: 0 },
        pendingReassignments: { type: 'integer', minimum: 0 },
      },
    },
  },
};

/** The 400 answer to a bad query. */
export const BAD_REQUEST_SCHEMA: SchemaLike = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: { statusCode: { type: 'integer', enum: [400] }, error: { type: 'string' }, message: { type: 'string' } },
};

/** Every query parameter of the endpoint (docs/wire-format.md, "Query parameters"). */
export const LEASE_HEALTH_QUERY_PARAMETERS: readonly QueryParameterLike[] = [
  {
    name: 'status',
    required: false,
    description: 'only peers with this status',
    schema: { type: 'string', enum: ['healthy', 'unhealthy'] },
  },
  { name: 'peerId', required: false, description: 'only the peer with this id', schema: { type: 'string', minLength: 1 } },
  {
    name: 'role',
    required: false,
    description: "only peers whose 'mesh.role' metadata equals it",
    schema: { type: 'string', minLength: 1, maxLength: 256 },
  },
  {
    name: 'label.<key>',
    required: false,
    description: "a family: 'label.zone=b' keeps only peers whose 'label.zone' metadata equals 'b' (any key)",
    schema: { type: 'string', minLength: 1, maxLength: 256 },
  },
  {
    name: 'limit',
    required: false,
    description: "at most that many peers, in peerId order; a 'Link: <...>; rel=\"next\"' header names the next page",
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT },
  },
  {
    name: 'cursor',
    required: false,
    description: "the opaque value from a 'Link' header (needs 'limit')",
    schema: { type: 'string' },
  },
];

import { BadRequestException } from '@nestjs/common';
import type { PeerPredicate } from './query/filterable-peer';
import { decodeCursor } from './query/lease-health-cursor';
import { LEASE_HEALTH_FILTERS } from './query/lease-health-filters';

/** Largest page a client may ask for. */
export const MAX_PAGE_LIMIT = 10_000;
/** More parameters than this in one request is a 400 (they are all evaluated per peer). */
const MAX_PARAMETERS = 16;

/** A parsed query of `GET <prefix>/lease-health`. */
export interface LeaseHealthQuery {
  /** Every filter combined with AND; undefined when there is none. */
  readonly predicate: PeerPredicate | undefined;
  /** Page size, when paging. */
  readonly limit: number | undefined;
  /** The page starts after this peer id (from the cursor). */
  readonly after: string | undefined;
  /** The parameters except `cursor`, in request order: the next page's link repeats them. */
  readonly carried: readonly (readonly [string, string])[];
}

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}

const ALLOWED = ['limit', 'cursor', ...LEASE_HEALTH_FILTERS.map((filter) => filter.name)].join(', ');

/**
 * Parses the optional query: the filters of LEASE_HEALTH_FILTERS plus `limit` and `cursor`. An
 * unknown parameter, a repeated one or a bad value is a 400 with a JSON body. Returns undefined
 * without parameters (the answer is then the plain body).
 */
export function parseLeaseHealthQuery(query: unknown, maxPeerIdLength: number): LeaseHealthQuery | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const params = query as Record<string, unknown>;
  const names = Object.keys(params);
  if (names.length === 0) return undefined;
  if (names.length > MAX_PARAMETERS) throw badRequest(`At most ${MAX_PARAMETERS} query parameters are accepted`);
  const predicates: PeerPredicate[] = [];
  const carried: (readonly [string, string])[] = [];
  let limit: number | undefined;
  let after: string | undefined;
  for (const name of names) {
    const value = params[name];
    const shownName = name.slice(0, 64);
    if (typeof value !== 'string') throw badRequest(`Query parameter '${shownName}' must be given once`);
    if (name === 'limit') {
      if (!/^[1-9][0-9]{0,5}$/.test(value) || Number(value) > MAX_PAGE_LIMIT) {
        throw badRequest(`Query parameter 'limit' must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
      }
      limit = Number(value);
    } else if (name === 'cursor') {
      after = decodeCursor(value, maxPeerIdLength);
      if (after === undefined) throw badRequest(`Query parameter 'cursor' is not a cursor of this endpoint; start again without it`);
      continue;
    } else {
      const filter = LEASE_HEALTH_FILTERS.find((candidate) => candidate.accepts(name));
      if (!filter) throw badRequest(`Unknown query parameter '${shownName}'; allowed: ${ALLOWED}`);
      const parsed = filter.parse(name, value, { maxPeerIdLength });
      if (typeof parsed === 'string') throw badRequest(parsed);
      predicates.push(parsed);
    }
    carried.push([name, value]);
  }
  if (after !== undefined && limit === undefined) throw badRequest(`Query parameter 'cursor' needs 'limit'`);
  const predicate: PeerPredicate | undefined =
    predicates.length === 0
      ? undefined
      : predicates.length === 1
        ? predicates[0]
        : (peer) => predicates.every((matches) => matches(peer));
  return { predicate, limit, after, carried };
}

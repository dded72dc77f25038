import type { PeerPredicate } from './filterable-peer';

/** Longest value a filter accepts (a role, a label value); longer ones are a 400. */
export const MAX_FILTER_VALUE_LENGTH = 256;

/** Limits a filter checks its value against. */
export interface FilterLimits {
  readonly maxPeerIdLength: number;
}

/**
 * One query filter of the endpoint. `accepts` says whether a parameter name is this filter's;
 * `parse` turns the value into a predicate or returns the message of a 400.
 */
export interface LeaseHealthFilter {
  /** How the parameter is named in error messages and docs (`label.<key>` for a family). */
  readonly name: string;
  accepts(parameter: string): boolean;
  parse(parameter: string, value: string, limits: FilterLimits): PeerPredicate | string;
}

function boundedValue(parameter: string, value: string, max: number): string | undefined {
  return value.trim().length === 0 || value.length > max
    ? `Query parameter '${parameter}' must be a non-blank string of at most ${max} characters`
    : undefined;
}

/**
 * Every filter of `GET <prefix>/lease-health`. Adding a filter is adding an entry here (and a line
 * to docs/wire-format.md); filters combine with AND.
 */
export const LEASE_HEALTH_FILTERS: readonly LeaseHealthFilter[] = [
  {
    name: 'status',
    accepts: (parameter) => parameter === 'status',
    parse: (_parameter, value) => {
      if (value !== 'healthy' && value !== 'unhealthy') return `Query parameter 'status' must be 'healthy' or 'unhealthy'`;
      const healthy = value === 'healthy';
      return (peer) => peer.isHealthy === healthy;
    },
  },
  {
    name: 'peerId',
    accepts: (parameter) => parameter === 'peerId',
    parse: (parameter, value, limits) => boundedValue(parameter, value, limits.maxPeerIdLength) ?? ((peer) => peer.peerId === value),
  },
  {
    name: 'role',
    accepts: (parameter) => parameter === 'role',
    parse: (parameter, value) =>
      boundedValue(parameter, value, MAX_FILTER_VALUE_LENGTH) ?? ((peer) => peer.metadataValue('mesh.role') === value),
  },
  {
    name: 'label.<key>',
    accepts: (parameter) => parameter.startsWith('label.'),
    parse: (parameter, value) => {
      const key = parameter.toLowerCase();
      if (parameter.length === 'label.'.length || parameter.length > MAX_FILTER_VALUE_LENGTH) {
        return `Query parameter '${parameter.slice(0, 64)}' must name a label: label.<key> with a key of 1 to ${MAX_FILTER_VALUE_LENGTH - 6} characters`;
      }
      return boundedValue(parameter, value, MAX_FILTER_VALUE_LENGTH) ?? ((peer) => peer.metadataValue(key) === value);
    },
  },
];

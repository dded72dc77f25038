import { RESOURCE_LEASE_ROUTE_PREFIX } from '../resource-lease.routes';

/**
 * The path of one of the dispatcher's routes (`RESOURCE_LEASE_ROUTES`), its `:param` filled with
 * `value` as given: the caller encodes a value that needs it.
 */
export function workApiPath(route: string, value = ''): string {
  // A replacer function: a value is never read as a replacement pattern (`$&`).
  return `/${RESOURCE_LEASE_ROUTE_PREFIX}/${route.replace(/:[A-Za-z]+/, () => value)}`;
}

import { DEFAULT_LEASE_HEALTH_PATH, type NotModifiedAuthorizer } from '@omnirelay/peer-health';
import type { AuthTokenTable } from './auth-token-table';
import { BearerAuthGuard } from './bearer-auth.guard';

/** The guard's answers go nowhere here: a refused request is passed on to Nest, whose guard answers it. */
const UNUSED_REPLY = { header: (): undefined => undefined };

/**
 * Lets the kit's 304 shortcut (which runs before Nest's guards) answer exactly the lease-health reads
 * the host's bearer guard would let through; anything else goes on to the guard, which answers 401/403.
 */
export function notModifiedAuthorizer(tokens: AuthTokenTable | null): NotModifiedAuthorizer {
  const guard = new BearerAuthGuard(tokens);
  return (headers) => {
    try {
      return guard.check({ method: 'GET', url: DEFAULT_LEASE_HEALTH_PATH, headers }, UNUSED_REPLY) === true;
    } catch {
      return false;
    }
  };
}

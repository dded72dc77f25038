/** Token roles, from least to most trusted. */
export const AUTH_ROLES = ['reader', 'worker', 'node', 'admin'] as const;
export type AuthRole = (typeof AUTH_ROLES)[number];

/** Who a request acts as, once its bearer token is known. */
export interface Principal {
  readonly role: AuthRole;
  /** A worker's own id: the only `workerId` it may lease, heartbeat and complete as. */
  readonly subject: string | undefined;
}

import { AuthTokenTable } from '../../dist/apps/control-plane/security/auth-token-table';

// The host's bearer tokens the worker heartbeat specs send: two workers (each may heartbeat only
// as its own subject), a reader and an admin.
export const WORKER_1 = 'worker-1-token-000000001-0123456789abcdef';
export const WORKER_2 = 'worker-2-token-000000002-0123456789abcdef';
export const READER = 'reader-token-00000000001-0123456789abcdef';
export const ADMIN = 'admin-token-000000000001-0123456789abcdef';

export const workerHeartbeatTokens = AuthTokenTable.parse(
  JSON.stringify({
    tokens: [
      { token: WORKER_1, role: 'worker', subject: 'worker-1' },
      { token: WORKER_2, role: 'worker', subject: 'worker-2' },
      { token: READER, role: 'reader' },
      { token: ADMIN, role: 'admin' },
    ],
  }),
);

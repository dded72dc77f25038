/** Injection token of the host's AuthTokenTable, or null when the host runs without tokens (loopback demo). */
export const AUTH_TOKEN_TABLE = Symbol('AUTH_TOKEN_TABLE');

export interface HostConfig {
  readonly host: string;
  readonly port: number;
  /** Run the built-in peer simulation (default on; SIMULATION=off to disable). */
  readonly simulation: boolean;
  readonly heartbeatGracePeriodMs: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads the host's settings from the environment; every one has an embedded default. */
export function readHostConfig(env: NodeJS.ProcessEnv): HostConfig {
  const simulation = env['SIMULATION'] ?? 'on';
  if (simulation !== 'on' && simulation !== 'off') {
    throw new Error(`SIMULATION must be "on" or "off", got "${simulation}"`);
  }
  return {
    host: env['HOST'] || '127.0.0.1',
    port: intFromEnv(env, 'PORT', 8080, 0, 65535),
    simulation: simulation === 'on',
    heartbeatGracePeriodMs: intFromEnv(env, 'HEARTBEAT_GRACE_MS', 5000, 1, 86_400_000),
  };
}

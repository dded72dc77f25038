export interface StoppedHost {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningHost {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The empty temporary directory the host runs in. */
  readonly cwd: string;
  readonly pid: number | undefined;
  output(): string;
  /** SIGTERM, then waits (bounded) for the exit. */
  stop(timeoutMs?: number): Promise<StoppedHost>;
  readonly exited: Promise<StoppedHost>;
}

export interface StartOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  /** Readiness probe (default: GET lease-health answers 200 over plain HTTP without a token). */
  readonly ready?: (url: string) => Promise<boolean>;
}

export const EXECUTABLE: string;
export function executablePath(): string;
export function hasNodeModulesAbove(dir: string): boolean;
export function startExecutable(options?: StartOptions): Promise<RunningHost>;
export function warningLines(output: string): string[];

/** Where the CLI writes and waits; the bin passes the process's, tests pass recorders. */
export interface CliIo {
  /** Writes text as is; the CLI ends every line with "\n" itself. */
  out(text: string): void;
  err(text: string): void;
  /** Highlight watch transitions with ANSI colours. */
  isTTY: boolean;
  sleep(ms: number): Promise<void>;
  /** Aborting it stops `watch` (and a request in flight). */
  signal?: AbortSignal;
}

/** Defaults the bin reads from the environment. */
export interface CliDefaults {
  /** OMNIRELAY_URL, when set. */
  readonly url?: string;
  /** OMNIRELAY_AUTH_TOKEN, when set: sent as a bearer token (a `reader` token is enough). Never printed. */
  readonly token?: string;
}

/** An HTTP answer as the worker agent reads it: the status and the body's text. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** How the worker agent reaches the dispatcher: a JSON POST that answers with the status and body. */
export interface WorkApiTransport {
  post(url: string, body: string, timeoutMs: number): Promise<HttpAnswer>;
}

/** TLS material for calls to an https:// dispatcher (PEM). */
export interface WorkApiTls {
  /** Trust only this CA (instead of Node's bundled ones) when it is given. */
  readonly ca?: string | Buffer | undefined;
  /** Presented when the server asks for a client certificate (mutual TLS). */
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
}

export interface JsonHttpClientOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly authToken?: string | undefined;
  /** CA and client certificate for HTTPS peers. */
  readonly tls?: WorkApiTls | undefined;
  /** Answers longer than this are cut and fail (default 8 MiB): the peer is not trusted to be brief. */
  readonly maxResponseBytes?: number;
}

export interface WorkerAgentSettings {
  readonly workerId: string;
  readonly dispatcherUrl: string;
  readonly heartbeatIntervalMs: number;
  readonly workMs: number;
  /** Carries the worker's token and the TLS settings to the dispatcher (a JsonHttpClient). */
  readonly client: WorkApiTransport;
}

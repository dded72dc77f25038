/** One gossip request: POST `body` (JSON) to `url`. */
export interface GossipRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** The peer's answer: its status and its body, unparsed. */
export interface GossipAnswer {
  readonly status: number;
  readonly body: string;
}

/** How gossip reaches peers; give your own to use a private CA, a client certificate or a proxy. */
export type GossipTransport = (request: GossipRequest) => Promise<GossipAnswer>;

/** The default transport: the platform's fetch. */
export const fetchGossipTransport: GossipTransport = async ({ url, body, headers, timeoutMs }) => {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
};

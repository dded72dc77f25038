export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly dataDir: string;
  pid(): number | undefined;
  output(): string;
  /** kill -9 (or another signal) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the member again on its data directory and waits until it is healthy. */
  restart(): Promise<void>;
}

export interface EtcdCluster {
  /** Comma-separated client URLs, as --etcd-endpoints takes them. */
  readonly endpoints: string;
  readonly members: readonly EtcdMember[];
  /** The name of the member leading the raft group now, if a running member says it leads. */
  raftLeader(): Promise<string | undefined>;
  stop(): Promise<void>;
}

export function etcdAvailable(): boolean;
export function freePort(): Promise<number>;
export function startEtcdCluster(options?: { size?: number; readyTimeoutMs?: number }): Promise<EtcdCluster>;

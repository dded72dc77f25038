import { FederationLimitError } from '../base/errors/federation-limit.error';

/** What one read of every host may hold in all: body bytes and peers. */
export class FederationBudget {
  constructor(
    private bytesLeft: number,
    private peersLeft: number,
    readonly maxBytes: number,
    readonly maxPeers: number,
  ) {}

  static of(maxBytes: number, maxPeers: number): FederationBudget {
    return new FederationBudget(maxBytes, maxPeers, maxBytes, maxPeers);
  }

  /** One host's share: what it takes, and gives back when it fails. */
  share(): FederationShare {
    return new FederationShare(this);
  }

  /** @internal */
  take(bytes: number, peers: number): boolean {
    if (bytes > this.bytesLeft || peers > this.peersLeft) return false;
    this.bytesLeft -= bytes;
    this.peersLeft -= peers;
    return true;
  }

  /** @internal */
  giveBack(bytes: number, peers: number): void {
    this.bytesLeft += bytes;
    this.peersLeft += peers;
  }
}

/** The bytes and peers one host's answer took from the read's budget. */
export class FederationShare {
  private bytes = 0;
  private peers = 0;

  constructor(private readonly budget: FederationBudget) {}

  /** Takes `count` body bytes, or throws when the read's byte budget is spent. */
  takeBytes(count: number): void {
    if (!this.budget.take(count, 0)) throw new FederationLimitError(`over the budget of ${this.budget.maxBytes} body bytes for all hosts of one read`);
    this.bytes += count;
  }

  /** Takes `count` peers, or throws when the read's peer budget is spent. */
  takePeers(count: number): void {
    if (!this.budget.take(0, count)) throw new FederationLimitError(`over the budget of ${this.budget.maxPeers} peers for all hosts of one read`);
    this.peers += count;
  }

  /** Gives everything back (the host failed: its answer is not used). */
  release(): void {
    this.budget.giveBack(this.bytes, this.peers);
    this.bytes = 0;
    this.peers = 0;
  }
}

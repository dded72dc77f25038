import { Injectable } from '@nestjs/common';
import { ProviderFanOut } from './provider-fan-out';

/**
 * Whether a peer may be given work, by every registered snapshot provider: eligible when no
 * provider says otherwise. A provider that throws is not counted against the peer (it is counted
 * and logged as a provider failure). Inject this to ask, as the lease queue does.
 */
@Injectable()
export class PeerHealthEligibility {
  /** `fanOut`: the registered providers and where their failures are reported. */
  constructor(private readonly fanOut: ProviderFanOut) {}

  /** False as soon as one provider calls the peer ineligible; a peer no provider knows is eligible. */
  isPeerEligible(peerId: string): boolean {
    for (const provider of this.fanOut.providers) {
      try {
        if (!provider.isPeerEligible(peerId)) return false;
      } catch (error) {
        this.fanOut.reportFailure(provider, error);
      }
    }
    return true;
  }
}

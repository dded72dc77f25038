// The document parser lives in base so that the remote provider validates bodies with the same checks.
export { parseLeaseHealthDocument, parseWireDate, NEVER_WIRE_DATE } from '../base/lease-health-document';
export type { LeaseHealthDocument, LeaseHealthPeer, LeaseHealthLease } from '../base/lease-health-document';
export type { PeerLeaseHealthSummary } from '../base/interfaces/peer-lease-health-snapshot.interface';

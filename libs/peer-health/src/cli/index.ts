// @omnirelay/peer-health/cli: the `omnirelay-peers` operator CLI, for hosts that embed it as a
// subcommand (as `omnirelay-control-plane peers` does). Only Node built-ins are loaded from here.
export {
  runPeersCli,
  PEERS_CLI_USAGE,
  DEFAULT_URL,
  LEASE_HEALTH_PATH,
  EXIT_OK,
  EXIT_PEER_NOT_FOUND,
  EXIT_UNAVAILABLE,
  EXIT_USAGE,
  EXIT_INTERRUPTED,
} from './peers-cli';
export type { CliIo, CliDefaults } from './peers-cli';
export { runPeersCliInProcess } from './process-io';
export { parseLeaseHealthDocument, parseWireDate, NEVER_WIRE_DATE } from './lease-health-document';
export type { LeaseHealthDocument, LeaseHealthPeer, LeaseHealthLease, PeerLeaseHealthSummary } from './lease-health-document';
export { rankPeers, selectPeers, renderPeerTable, renderPeerDetails, formatAge } from './peer-table';
export type { PeerStatusFilter } from './peer-table';

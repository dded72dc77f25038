/** The gossip routes: the controller's prefix and paths, and the exchange's full path for the client. */
export const GOSSIP_ROUTES = {
  controller: 'control',
  exchange: 'gossip',
  peers: 'peers',
  /** Where a node posts its gossip to another node. */
  exchangePath: '/control/gossip',
} as const;

/** DI token of the options given to MeshGossipModule.forRoot. */
export const MESH_GOSSIP_OPTIONS = Symbol('MESH_GOSSIP_OPTIONS');

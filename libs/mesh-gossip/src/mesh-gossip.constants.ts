export const MESH_GOSSIP_OPTIONS = Symbol('MESH_GOSSIP_OPTIONS');

/** Limits on what a gossip message may carry; anything past them is dropped, never trusted. */
export const GOSSIP_LIMITS = {
  members: 1024,
  idLength: 256,
  textLength: 256,
  urlLength: 2048,
  labels: 32,
  labelKeyLength: 128,
  labelValueLength: 256,
} as const;

export const MESH_LEADERSHIP_OPTIONS = Symbol('MESH_LEADERSHIP_OPTIONS');
/** The LeadershipStore in use. */
export const LEADERSHIP_STORE = Symbol('LEADERSHIP_STORE');

export const DEFAULT_SCOPES = ['global'] as const;
export const DEFAULT_CANDIDATE_ROLES = ['control-plane', 'dispatcher', 'all-in-one'] as const;

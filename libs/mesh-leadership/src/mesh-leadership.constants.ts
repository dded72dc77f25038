/** DI token of the options given to MeshLeadershipModule.forRoot. */
export const MESH_LEADERSHIP_OPTIONS = Symbol('MESH_LEADERSHIP_OPTIONS');
/** The LeadershipStore in use. */
export const LEADERSHIP_STORE = Symbol('LEADERSHIP_STORE');

/** The scopes elected when the options name none. */
export const DEFAULT_SCOPES = ['global'] as const;
/** The roles that stand for leadership when the options name none. */
export const DEFAULT_CANDIDATE_ROLES = ['control-plane', 'dispatcher', 'all-in-one'] as const;

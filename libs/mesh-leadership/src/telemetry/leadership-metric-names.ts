/** Names of the leadership metrics on `/metrics` (docs/metrics.md). */
export const LEADERSHIP_CHANGES_METRIC = 'mesh_leadership_changes_total';
export const LEADERSHIP_TERM_METRIC = 'mesh_leadership_term';

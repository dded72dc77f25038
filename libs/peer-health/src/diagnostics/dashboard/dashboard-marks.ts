/** User Timing mark the page sets once, when it first shows the full table (read by the bench). */
export const DASHBOARD_FIRST_RENDER_MARK = 'dashboard:first-render';

/** User Timing mark the page sets once, when it first shows rows (the first page of a large view). */
export const DASHBOARD_FIRST_ROWS_MARK = 'dashboard:first-rows';

/** Peers per `lease-health` page the dashboard reads: small pages keep every parse a short task. */
export const DASHBOARD_PAGE_SIZE = 2500;

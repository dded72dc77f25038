/** Dead-lettered sequence ids listed by `GET /control/work` (the most recent ones). */
export const RECENT_DEAD_LETTERS = 20;

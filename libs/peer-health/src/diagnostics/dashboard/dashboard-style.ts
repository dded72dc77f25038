/** The dashboard's stylesheet (inline in the page: no external fetches). */
export const DASHBOARD_STYLE = `
:root { --bg:#0f1419; --panel:#171d24; --line:#2a323c; --text:#d8dee6; --dim:#8a96a3; --ok:#3fb950; --bad:#f85149; --warn:#d29922; --accent:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; align-items:center; gap:16px; padding:10px 16px; border-bottom:1px solid var(--line); }
header h1 { font-size:15px; margin:0; font-weight:600; }
#live { font-size:12px; color:var(--dim); }
#live.on { color:var(--ok); }
main { display:grid; grid-template-columns: 1fr 340px; gap:12px; padding:12px 16px; }
.tiles { display:flex; gap:12px; grid-column: 1 / -1; }
.tile { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 14px; min-width:150px; }
.tile b { display:block; font-size:24px; font-weight:600; }
.tile.bad b { color:var(--bad); } .tile.ok b { color:var(--ok); } .tile.warn b { color:var(--warn); }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px; min-width:0; }
.panel h2 { font-size:13px; margin:0 0 8px; color:var(--dim); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
.filters { display:flex; gap:8px; margin-bottom:8px; }
input, select, button { background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:4px; padding:4px 8px; font:inherit; }
.grid-head, .row { display:grid; grid-template-columns: 2fr 1fr 1fr 1fr .6fr 1fr 1.4fr; gap:8px; align-items:center; padding:0 8px; }
.grid-head { height:28px; color:var(--dim); border-bottom:1px solid var(--line); user-select:none; }
.grid-head span { cursor:pointer; } .grid-head span.sorted { color:var(--accent); }
#viewport { height:calc(100vh - 260px); min-height:240px; overflow-y:auto; position:relative; contain:strict; }
#spacer { position:relative; }
.row { position:absolute; top:0; left:0; right:0; height:28px; contain:strict; border-bottom:1px solid #1e252d; cursor:pointer; white-space:nowrap; }
.row span { overflow:hidden; text-overflow:ellipsis; }
.row:hover, .row.selected { background:#1f2731; }
.status-healthy { color:var(--ok); } .status-unhealthy { color:var(--bad); font-weight:600; }
aside { display:flex; flex-direction:column; gap:12px; min-width:0; }
dl { margin:0; display:grid; grid-template-columns: auto 1fr; gap:2px 10px; word-break:break-all; }
dt { color:var(--dim); }
ol { margin:0; padding-left:18px; max-height:260px; overflow-y:auto; }
li { margin:2px 0; }
#timeline { height:260px; max-height:none; list-style:none; padding-left:0; contain:strict; }
.panel, .tile { contain:layout paint; }
.muted { color:var(--dim); }
#token-form { display:none; gap:8px; align-items:center; }
#token-form.shown { display:flex; }
`;

import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboard-script.generated';
import { DASHBOARD_STYLE } from './dashboard-style';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The one self-contained page served at `<prefix>/dashboard`. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peer health</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
  <h1>Peer health</h1>
  <span id="live">connecting</span>
  <form id="token-form"><label for="token">Token</label><input id="token" type="password" autocomplete="off"><button type="submit">Use</button></form>
</header>
<main>
  <section class="tiles">
    <div class="tile ok"><span>Healthy</span><b id="tile-healthy">-</b></div>
    <div class="tile bad"><span>Unhealthy</span><b id="tile-unhealthy">-</b></div>
    <div class="tile warn"><span>Pending reassignments</span><b id="tile-pending">-</b></div>
    <div class="tile"><span>Peers</span><b id="tile-peers">-</b></div>
  </section>
  <section class="panel">
    <div class="filters">
      <select id="status-filter" aria-label="Status"><option value="">all statuses</option><option value="healthy">healthy</option><option value="unhealthy">unhealthy</option></select>
      <input id="search" type="search" placeholder="filter by peer, role, region" aria-label="Filter">
      <span id="shown" class="muted"></span>
    </div>
    <div class="grid-head"><span data-key="peerId">Peer</span><span data-key="status" class="sorted">Status</span><span data-key="role">Role</span><span data-key="region">Region</span><span data-key="leases">Leases</span><span data-key="heartbeat">Last heartbeat</span><span data-key="reason">Disconnect reason</span></div>
    <div id="viewport"><div id="spacer"></div></div>
  </section>
  <aside>
    <section class="panel"><h2>Peer</h2><div id="detail"></div></section>
    <section class="panel"><h2>Leaders</h2><div id="leaders"></div></section>
    <section class="panel"><h2>Recent transitions</h2><ol id="timeline"></ol></section>
  </aside>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

/**
 * Only the page's own inline style and script run, and it talks only to its own host: a
 * Content-Security-Policy pinned to their hashes.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(DASHBOARD_SCRIPT)}`,
  `style-src ${sha256(DASHBOARD_STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

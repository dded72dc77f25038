import { NEVER_WIRE_DATE } from '../../base/wire-date';

/**
 * The dashboard's script (inline in the page; plain browser JavaScript, no build step, no external
 * fetches). It reads `lease-health` (relative to the page), follows `lease-health/events` by fetch
 * streaming (so a bearer token can be sent; EventSource cannot send headers), reads `leaders` when
 * the host serves it, and renders a virtualized table.
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var ROW = 28;
  var TOKEN_KEY = 'omnirelay.dashboard.token';
  var peers = new Map();
  var summary = { eligiblePeers: 0, unhealthyPeers: 0, pendingReassignments: 0 };
  var leaders = null;
  var timeline = [];
  var selected = null;
  var sort = { key: 'status', dir: 1 };
  var lastEventId = null;
  var refreshTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function headers(accept) {
    var h = { accept: accept };
    var t = token();
    if (t) h.authorization = 'Bearer ' + t;
    return h;
  }
  function needToken() { $('token-form').classList.add('shown'); }
  function text(el, value) { el.textContent = value; return el; }
  function make(tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; if (value !== undefined) el.textContent = value; return el; }
  function meta(p, key) { return p.metadata[key] === undefined ? '' : p.metadata[key]; }
  function time(s) { return s === ${JSON.stringify(NEVER_WIRE_DATE)} ? null : Date.parse(s); }
  function age(p) {
    var t = time(p.lastHeartbeat);
    if (t === null) return 'never';
    var s = Math.max(0, (Date.now() - t) / 1000);
    return s < 60 ? s.toFixed(1) + 's' : s < 3600 ? Math.floor(s / 60) + 'm' : Math.floor(s / 3600) + 'h';
  }
  function status(p) { return p.isHealthy ? 'healthy' : 'unhealthy'; }

  var COLUMNS = [
    ['peerId', 'Peer', function (p) { return p.peerId; }],
    ['status', 'Status', function (p) { return p.isHealthy ? 1 : 0; }],
    ['role', 'Role', function (p) { return meta(p, 'mesh.role'); }],
    ['region', 'Region', function (p) { return meta(p, 'mesh.region'); }],
    ['leases', 'Leases', function (p) { return p.activeAssignments; }],
    ['heartbeat', 'Last heartbeat', function (p) { var t = time(p.lastHeartbeat); return t === null ? -Infinity : t; }],
    ['reason', 'Disconnect reason', function (p) { return meta(p, 'disconnect.reason'); }]
  ];

  function visiblePeers() {
    var wanted = $('status-filter').value;
    var search = $('search').value.trim().toLowerCase();
    var column = COLUMNS.filter(function (c) { return c[0] === sort.key; })[0];
    var list = [];
    peers.forEach(function (p) {
      if (wanted && status(p) !== wanted) return;
      if (search && (p.peerId + ' ' + meta(p, 'mesh.role') + ' ' + meta(p, 'mesh.region')).toLowerCase().indexOf(search) < 0) return;
      list.push(p);
    });
    list.sort(function (a, b) {
      var x = column[2](a), y = column[2](b);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return c * sort.dir || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);
    });
    return list;
  }

  var rows = [];
  var cachedList = null;
  // The sorted, filtered list is rebuilt only when something it depends on changed; scrolling and
  // the heartbeat-age ticks reuse it.
  function invalidate() { cachedList = null; }
  function renderTable() {
    var list = cachedList || (cachedList = visiblePeers());
    $('shown').textContent = list.length + ' of ' + peers.size + ' peers';
    var viewport = $('viewport');
    $('spacer').style.height = list.length * ROW + 'px';
    var first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - 5);
    var last = Math.min(list.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + 5);
    var needed = last - first;
    while (rows.length < needed) {
      var row = make('div', 'row');
      for (var i = 0; i < COLUMNS.length; i++) row.appendChild(make('span'));
      row.addEventListener('click', onRowClick);
      $('spacer').appendChild(row);
      rows.push(row);
    }
    for (var r = 0; r < rows.length; r++) {
      var el = rows[r];
      var p = list[first + r];
      if (r >= needed || !p) { el.style.display = 'none'; continue; }
      el.style.display = '';
      el.style.top = (first + r) * ROW + 'px';
      el.dataset.peerId = p.peerId;
      el.dataset.status = status(p);
      el.classList.toggle('selected', p.peerId === selected);
      var cells = el.children;
      text(cells[0], p.peerId).title = p.peerId;
      text(cells[1], status(p)).className = 'status-' + status(p);
      text(cells[2], meta(p, 'mesh.role') || '-');
      text(cells[3], meta(p, 'mesh.region') || '-');
      text(cells[4], String(p.activeAssignments));
      text(cells[5], age(p));
      text(cells[6], p.isHealthy ? '-' : meta(p, 'disconnect.reason') || (p.lastDisconnect ? 'disconnected' : 'heartbeat expired'));
    }
  }

  function renderTiles() {
    var healthy = 0, unhealthy = 0, pending = 0;
    peers.forEach(function (p) { if (p.isHealthy) healthy++; else unhealthy++; pending += p.pendingReassignments; });
    text($('tile-healthy'), String(healthy));
    text($('tile-unhealthy'), String(unhealthy));
    text($('tile-pending'), String(pending));
    text($('tile-peers'), String(peers.size));
  }

  function renderDetail() {
    var box = $('detail');
    box.replaceChildren();
    var p = selected === null ? undefined : peers.get(selected);
    if (!p) { box.appendChild(make('p', 'muted', 'Select a peer.')); return; }
    var dl = make('dl');
    function pair(k, v) { dl.appendChild(make('dt', '', k)); dl.appendChild(make('dd', '', v)); }
    pair('peer', p.peerId); pair('status', status(p)); pair('last heartbeat', p.lastHeartbeat + ' (' + age(p) + ')');
    if (p.lastDisconnect) pair('last disconnect', p.lastDisconnect);
    pair('pending reassignments', String(p.pendingReassignments));
    Object.keys(p.metadata).forEach(function (k) { pair(k, p.metadata[k]); });
    box.appendChild(dl);
    box.appendChild(make('h2', '', 'Leases (' + p.activeLeases.length + ')'));
    var ol = make('ol');
    p.activeLeases.forEach(function (l) { ol.appendChild(make('li', '', '#' + l.sequenceId + ' attempt ' + l.attempt + ' ' + l.leaseId)); });
    box.appendChild(ol);
  }

  function renderTimeline() {
    var ol = $('timeline');
    ol.replaceChildren();
    timeline.slice(-200).reverse().forEach(function (e) { ol.appendChild(make('li', e.cls, e.text)); });
  }

  function renderLeaders() {
    var box = $('leaders');
    box.replaceChildren();
    if (leaders === null) { box.appendChild(make('p', 'muted', 'This host serves no leadership view.')); return; }
    var dl = make('dl');
    Object.keys(leaders).sort().forEach(function (scope) { dl.appendChild(make('dt', '', scope)); dl.appendChild(make('dd', '', leaders[scope] || '(none)')); });
    box.appendChild(dl);
  }

  function renderAll() { invalidate(); renderTiles(); renderTable(); renderDetail(); renderTimeline(); renderLeaders(); }

  // Events arrive faster than frames on a large fleet: they mark what changed, one frame draws it.
  var pending = { tiles: false, table: false, timeline: false, leaders: false };
  var frameRequested = false;
  function requestRender(parts) {
    Object.keys(parts).forEach(function (k) { pending[k] = pending[k] || parts[k]; });
    if (frameRequested) return;
    frameRequested = true;
    window.requestAnimationFrame(function () {
      frameRequested = false;
      var p = pending;
      pending = { tiles: false, table: false, timeline: false, leaders: false };
      if (p.tiles) renderTiles();
      if (p.table) renderTable();
      if (p.timeline) renderTimeline();
      if (p.leaders) renderLeaders();
    });
  }

  function onRowClick(event) { selected = event.currentTarget.dataset.peerId; renderTable(); renderDetail(); }

  function load() {
    return fetch('lease-health', { headers: headers('application/json') }).then(function (response) {
      if (response.status === 401 || response.status === 403) { needToken(); throw new Error('unauthorized'); }
      if (!response.ok) throw new Error('lease-health answered ' + response.status);
      return response.json();
    }).then(function (body) {
      peers = new Map();
      body.peers.forEach(function (p) { peers.set(p.peerId, p); });
      summary = body.summary;
      $('token-form').classList.remove('shown');
      renderAll();
    });
  }

  // The leadership view: the demo host's /control/leaders, else beside the kit's routes.
  var leaderUrls = ['/control/leaders', 'leaders'];
  function loadLeaders() {
    return fetch(leaderUrls[0], { headers: headers('application/json') }).then(function (response) {
      if (response.status === 404 && leaderUrls.length > 1) { leaderUrls.shift(); return loadLeaders(); }
      if (!response.ok) { leaders = null; return; }
      return response.json().then(function (body) {
        leaders = {};
        (body && Array.isArray(body.scopes) ? body.scopes : []).forEach(function (s) { leaders[s.scope] = s.leaderId || null; });
      });
    }).catch(function () { leaders = null; }).then(renderLeaders);
  }

  function scheduleRefresh() {
    if (refreshTimer !== null) return;
    // A large fleet's body takes a while to parse: re-read it less often (rows are updated from the events meanwhile).
    var delay = peers.size > 1000 ? 3000 : 250;
    refreshTimer = setTimeout(function () { refreshTimer = null; load().catch(function () {}); }, delay);
  }

  function onEvent(type, data) {
    var e;
    try { e = JSON.parse(data); } catch (error) { return; }
    if (type === 'transition') {
      var p = peers.get(e.peerId);
      if (p && e.to !== 'evicted') { p.isHealthy = e.to === 'healthy'; }
      if (e.to === 'evicted') peers.delete(e.peerId);
      // The order changes only when it depends on status (or a peer left).
      if (e.to === 'evicted' || sort.key === 'status' || $('status-filter').value) invalidate();
      timeline.push({ cls: 'status-' + (e.to === 'healthy' ? 'healthy' : 'unhealthy'), text: e.at.slice(11, 19) + ' ' + e.peerId + ': ' + e.from + ' \\u2192 ' + e.to + ' (' + e.reason + ')' });
      if (timeline.length > 1000) timeline.splice(0, timeline.length - 1000);
      requestRender({ tiles: true, table: true, timeline: true });
      scheduleRefresh();
    } else if (type === 'leadership') {
      if (leaders === null) leaders = {};
      leaders[e.scope] = e.leaderId;
      timeline.push({ cls: '', text: e.at.slice(11, 19) + ' leader of ' + e.scope + ': ' + (e.leaderId || '(none)') });
      requestRender({ leaders: true, timeline: true });
    } else if (type === 'anomaly') {
      timeline.push({ cls: 'muted', text: e.at.slice(11, 19) + ' anomaly ' + e.kind + (e.count > 1 ? ' x' + e.count : '') });
      requestRender({ timeline: true });
    } else if (type === 'reset') {
      scheduleRefresh();
    }
  }

  function follow() {
    var h = headers('text/event-stream');
    if (lastEventId !== null) h['last-event-id'] = lastEventId;
    fetch('lease-health/events', { headers: h }).then(function (response) {
      if (response.status === 401 || response.status === 403) { needToken(); throw new Error('unauthorized'); }
      if (!response.ok || !response.body) throw new Error('no event stream (' + response.status + ')');
      $('live').textContent = 'live'; $('live').className = 'on';
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffered = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('stream ended');
          buffered += decoder.decode(chunk.value, { stream: true });
          var end;
          while ((end = buffered.indexOf('\\n\\n')) >= 0) {
            var block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            var type = 'message', data = '';
            block.split('\\n').forEach(function (line) {
              if (line.indexOf('id: ') === 0) lastEventId = line.slice(4);
              else if (line.indexOf('event: ') === 0) type = line.slice(7);
              else if (line.indexOf('data: ') === 0) data += line.slice(6);
            });
            if (data) onEvent(type, data);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      $('live').textContent = 'reconnecting'; $('live').className = '';
      setTimeout(function () { load().catch(function () {}); follow(); }, 2000);
    });
  }

  $('viewport').addEventListener('scroll', function () { window.requestAnimationFrame(renderTable); });
  $('status-filter').addEventListener('change', function () { invalidate(); renderTable(); });
  $('search').addEventListener('input', function () { invalidate(); renderTable(); });
  Array.prototype.forEach.call(document.querySelectorAll('.grid-head span'), function (span) {
    span.addEventListener('click', function () {
      var key = span.dataset.key;
      sort = { key: key, dir: sort.key === key ? -sort.dir : 1 };
      Array.prototype.forEach.call(document.querySelectorAll('.grid-head span'), function (s) { s.classList.toggle('sorted', s.dataset.key === key); });
      invalidate();
      renderTable();
    });
  });
  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value);
    $('token').value = '';
    load().then(loadLeaders).catch(function () {});
  });
  // Heartbeat ages move with the clock; the slow parts are re-fetched on events and every 10 s.
  setInterval(renderTable, 1000);
  setInterval(function () { load().catch(function () {}); loadLeaders(); }, 10000);
  load().catch(function () {}).then(loadLeaders);
  follow();
})();
`;

import { NEVER_WIRE_DATE } from '../../base/wire-date';

/** User Timing mark the page sets once, when it first shows the full table (read by the bench). */
export const DASHBOARD_FIRST_RENDER_MARK = 'dashboard:first-render';

/** User Timing mark the page sets once, when it first shows rows (the first page of a large view). */
export const DASHBOARD_FIRST_ROWS_MARK = 'dashboard:first-rows';

/** Peers per `lease-health` page the dashboard reads: small pages keep every parse a short task. */
export const DASHBOARD_PAGE_SIZE = 2500;

/**
 * The dashboard's script (inline in the page; plain browser JavaScript, no build step, no external
 * fetches). It reads `lease-health` (relative to the page) page by page, follows
 * `lease-health/events` by fetch streaming (so a bearer token can be sent; EventSource cannot send
 * headers), reads `leaders` when the host serves it, and renders a virtualized table.
 *
 * Built for 10,000 peers and more: each peer becomes one compact row record when its page is parsed
 * (the next page is already requested while this one parses); the sorted, filtered list is an array
 * of records sorted once by a numeric key and rebuilt at most once per animation frame, and only when
 * what it depends on changed; events only mark what changed and one frame draws it; the table holds a
 * fixed pool of row elements, each showing the list index that maps to it, rewritten only when that
 * index or its record changed; layout is read at the start of a frame, before any write. Untrusted
 * text (peer ids, metadata) only ever reaches the page as `textContent`.
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var ROW = 28;
  var OVERSCAN = 6;
  var PAGE_SIZE = ${DASHBOARD_PAGE_SIZE};
  var FIRST_RENDER_MARK = ${JSON.stringify(DASHBOARD_FIRST_RENDER_MARK)};
  var FIRST_ROWS_MARK = ${JSON.stringify(DASHBOARD_FIRST_ROWS_MARK)};
  var NEVER = ${JSON.stringify(NEVER_WIRE_DATE)};
  var TOKEN_KEY = 'omnirelay.dashboard.token';
  var TIMELINE_SHOWN = 100;
  // The timeline is read by a person: it is redrawn at most this often.
  var TIMELINE_EVERY_MS = 250;
  var $ = function (id) { return document.getElementById(id); };

  // One record per peer: { id, ord (position in peerId order), healthy, role, region, reason,
  // leases, pending, hb (epoch ms or null), hay (lower-case search text), ver, gone, peer (the wire object) }.
  var records = [];
  var byId = new Map();
  var counts = { healthy: 0, unhealthy: 0, pending: 0 };
  var leaders = null;
  var timeline = [];
  var timelineFresh = [];
  var selected = null;
  var sort = { key: 'status', dir: 1 };
  var lastEventId = null;
  var refreshTimer = null;
  var received = 0;
  var loading = null;
  var reading = false;
  var sinceLoad = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function headers(accept) {
    var h = { accept: accept };
    var t = token();
    if (t) h.authorization = 'Bearer ' + t;
    return h;
  }
  function needToken() { $('token-form').classList.add('shown'); }
  function text(el, value) { if (el.textContent !== value) el.textContent = value; return el; }
  function make(tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; if (value !== undefined) el.textContent = value; return el; }
  function meta(p, key) { var v = p.metadata && p.metadata[key]; return typeof v === 'string' ? v : ''; }
  function time(s) { return s === NEVER ? null : Date.parse(s); }
  function ageText(hb, now) {
    if (hb === null || hb !== hb) return 'never';
    var s = Math.max(0, (now - hb) / 1000);
    return s < 60 ? s.toFixed(1) + 's' : s < 3600 ? Math.floor(s / 60) + 'm' : Math.floor(s / 3600) + 'h';
  }
  function statusOf(r) { return r.healthy ? 'healthy' : 'unhealthy'; }
  function reasonText(r) { return r.healthy ? '-' : r.reason || (r.peer.lastDisconnect ? 'disconnected' : 'heartbeat expired'); }

  function toRecord(p, ord) {
    var role = meta(p, 'mesh.role'), region = meta(p, 'mesh.region');
    return {
      id: String(p.peerId), ord: ord, healthy: p.isHealthy === true, role: role, region: region,
      reason: meta(p, 'disconnect.reason'), leases: Number(p.activeAssignments) || 0,
      pending: Number(p.pendingReassignments) || 0, hb: time(p.lastHeartbeat),
      hay: (p.peerId + ' ' + role + ' ' + region).toLowerCase(), ver: 0, gone: false, peer: p
    };
  }

  // ---- the sorted, filtered list -------------------------------------------------------------
  // Sort keys: a number, or a string ranked among its distinct values; ties go by peerId order. A
  // record's place is rank * records.length + ord, so one typed-array sort orders the list and a
  // binary search finds a record in it.
  var SORT_KEYS = {
    peerId: null,
    status: function (r) { return r.healthy ? 1 : 0; },
    role: function (r) { return r.role; },
    region: function (r) { return r.region; },
    leases: function (r) { return r.leases; },
    heartbeat: function (r) { return r.hb === null ? -Infinity : r.hb; },
    reason: function (r) { return r.reason; }
  };
  var list = [];
  var listValid = false;
  var view = { wanted: '', search: '', ranks: null };
  function invalidate() { listValid = false; }
  function dependsOnStatus() { return sort.key === 'status' || view.wanted !== ''; }
  function passes(r) {
    return !r.gone && (!view.wanted || statusOf(r) === view.wanted) && (!view.search || r.hay.indexOf(view.search) >= 0);
  }
  function placeOf(r) {
    var n = records.length;
    var rank;
    if (sort.key === 'peerId') rank = 0;
    // Status is the one key events change: its two ranks are fixed.
    else if (sort.key === 'status') rank = sort.dir > 0 ? (r.healthy ? 1 : 0) : (r.healthy ? 0 : 1);
    else rank = view.ranks.get(SORT_KEYS[sort.key](r)) || 0;
    var ord = sort.key === 'peerId' && sort.dir < 0 ? n - 1 - r.ord : r.ord;
    return rank * n + ord;
  }

  function buildList() {
    view.wanted = $('status-filter').value;
    view.search = $('search').value.trim().toLowerCase();
    view.ranks = null;
    var keyOf = SORT_KEYS[sort.key];
    if (keyOf && sort.key !== 'status') {
      // Ranks over every record (not only the shown ones), so any record has a place in the list.
      var distinct = new Set();
      for (var b = 0; b < records.length; b++) distinct.add(keyOf(records[b]));
      var values = Array.from(distinct);
      values.sort(function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
      view.ranks = new Map();
      for (var v = 0; v < values.length; v++) view.ranks.set(values[v], sort.dir > 0 ? v : values.length - 1 - v);
    }
    var places = [];
    for (var i = 0; i < records.length; i++) if (passes(records[i])) places.push(placeOf(records[i]));
    var sorted = Float64Array.from(places).sort();
    var n = records.length;
    list = new Array(sorted.length);
    for (var d = 0; d < sorted.length; d++) {
      var ord = sorted[d] % n;
      list[d] = records[sort.key === 'peerId' && sort.dir < 0 ? n - 1 - ord : ord];
    }
    listValid = true;
  }

  // First index of the list whose place is not below the given one.
  function indexOfPlace(place) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (placeOf(list[mid]) < place) lo = mid + 1; else hi = mid; }
    return lo;
  }
  // A record's status changes: it leaves its old place and takes its new one (or leaves or joins a
  // status-filtered list) without re-sorting the list.
  function moveInList(r, wasHealthy) {
    if (!listValid) return;
    var now = r.healthy;
    r.healthy = wasHealthy;
    if (passes(r)) {
      var at = indexOfPlace(placeOf(r));
      if (list[at] === r) list.splice(at, 1); else listValid = false;
    }
    r.healthy = now;
    if (listValid && passes(r)) list.splice(indexOfPlace(placeOf(r)), 0, r);
  }

  // ---- the table: a pool of row elements; list index i is drawn by pool[i % pool.length] --------
  var pool = [];
  var spacerHeight = -1;
  var shownText = '';
  var ageSecond = 0;

  function ensurePool(size) {
    var spacer = $('spacer');
    while (pool.length < size) {
      var row = make('div', 'row');
      for (var i = 0; i < 7; i++) row.appendChild(make('span'));
      row.addEventListener('click', onRowClick);
      row.style.display = 'none';
      row.drawn = { index: -1, rec: null, ver: -1, age: -1, selected: false };
      spacer.appendChild(row);
      pool.push(row);
    }
    if (pool.length > size) pool.splice(size).forEach(function (row) { row.remove(); });
  }

  // Which row draws which index depends on the pool's size: after a resize every row starts over.
  function resetPool() {
    pool.forEach(function (row) { row.style.display = 'none'; row.drawn = { index: -1, rec: null, ver: -1, age: -1, selected: false }; });
  }

  function drawRow(el, index, r, now) {
    var drawn = el.drawn;
    var isSelected = r.id === selected;
    if (drawn.index === index && drawn.rec === r && drawn.ver === r.ver && drawn.age === ageSecond && drawn.selected === isSelected) return;
    if (drawn.index !== index) el.style.transform = 'translateY(' + index * ROW + 'px)';
    if (el.style.display === 'none') el.style.display = '';
    var cells = el.children;
    if (drawn.rec !== r || drawn.ver !== r.ver) {
      el.dataset.peerId = r.id;
      el.dataset.status = statusOf(r);
      text(cells[0], r.id).title = r.id;
      text(cells[1], statusOf(r)).className = 'status-' + statusOf(r);
      text(cells[2], r.role || '-');
      text(cells[3], r.region || '-');
      text(cells[4], String(r.leases));
      text(cells[6], reasonText(r));
    }
    text(cells[5], ageText(r.hb, now));
    if (drawn.selected !== isSelected) el.classList.toggle('selected', isSelected);
    drawn.index = index; drawn.rec = r; drawn.ver = r.ver; drawn.age = ageSecond; drawn.selected = isSelected;
  }

  function renderTable() {
    // Layout is read first, before this frame writes anything.
    var viewport = $('viewport');
    var scrollTop = viewport.scrollTop;
    var height = viewport.clientHeight;
    if (!listValid) buildList();
    var size = Math.ceil(height / ROW) + 2 * OVERSCAN;
    if (size !== pool.length) { ensurePool(size); resetPool(); }
    var shown = list.length + ' of ' + (records.length - goneCount) + ' peers' + (reading ? ', reading the rest...' : '');
    if (shown !== shownText) { shownText = shown; $('shown').textContent = shown; }
    if (spacerHeight !== list.length * ROW) { spacerHeight = list.length * ROW; $('spacer').style.height = spacerHeight + 'px'; }
    var first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
    var last = Math.min(list.length, first + size);
    var now = Date.now();
    for (var i = first; i < last; i++) drawRow(pool[i % size], i, list[i], now);
    for (var k = 0; k < size; k++) {
      var row = pool[k];
      var idx = row.drawn.index;
      if (idx >= 0 && (idx < first || idx >= last) && row.style.display !== 'none') {
        row.style.display = 'none';
        row.drawn.index = -1;
      }
    }
  }

  function renderTiles() {
    text($('tile-healthy'), String(counts.healthy));
    text($('tile-unhealthy'), String(counts.unhealthy));
    text($('tile-pending'), String(counts.pending));
    text($('tile-peers'), String(counts.healthy + counts.unhealthy));
  }

  function renderDetail() {
    var box = $('detail');
    box.replaceChildren();
    var r = selected === null ? undefined : byId.get(selected);
    if (!r) { box.appendChild(make('p', 'muted', 'Select a peer.')); return; }
    var p = r.peer;
    var dl = make('dl');
    function pair(k, v) { dl.appendChild(make('dt', '', k)); dl.appendChild(make('dd', '', String(v))); }
    pair('peer', r.id); pair('status', statusOf(r)); pair('last heartbeat', p.lastHeartbeat + ' (' + ageText(r.hb, Date.now()) + ')');
    if (p.lastDisconnect) pair('last disconnect', p.lastDisconnect);
    pair('pending reassignments', String(r.pending));
    Object.keys(p.metadata || {}).forEach(function (k) { pair(k, p.metadata[k]); });
    box.appendChild(dl);
    var leases = Array.isArray(p.activeLeases) ? p.activeLeases : [];
    box.appendChild(make('h2', '', 'Leases (' + leases.length + ')'));
    var ol = make('ol');
    leases.forEach(function (l) { ol.appendChild(make('li', '', '#' + l.sequenceId + ' attempt ' + l.attempt + ' ' + l.leaseId)); });
    box.appendChild(ol);
  }

  // Newest first; only the entries that arrived since the last frame are added.
  function renderTimeline() {
    var ol = $('timeline');
    var fresh = timelineFresh;
    timelineFresh = [];
    if (fresh.length >= TIMELINE_SHOWN) { ol.replaceChildren(); fresh = fresh.slice(-TIMELINE_SHOWN); }
    var batch = document.createDocumentFragment();
    for (var i = fresh.length - 1; i >= 0; i--) batch.appendChild(make('li', fresh[i].cls, fresh[i].text));
    ol.insertBefore(batch, ol.firstChild);
    while (ol.childElementCount > TIMELINE_SHOWN) ol.lastElementChild.remove();
  }

  function renderLeaders() {
    var box = $('leaders');
    box.replaceChildren();
    if (leaders === null) { box.appendChild(make('p', 'muted', 'This host serves no leadership view.')); return; }
    var dl = make('dl');
    Object.keys(leaders).sort().forEach(function (scope) { dl.appendChild(make('dt', '', scope)); dl.appendChild(make('dd', '', leaders[scope] || '(none)')); });
    box.appendChild(dl);
  }

  // Scrolling, events and the clock only mark what changed; one animation frame draws it.
  var dirty = { tiles: false, table: false, detail: false, timeline: false, leaders: false };
  var frameRequested = false;
  var timelineDrawnAt = -Infinity;
  var timelineTimer = null;
  function requestRender(parts) {
    for (var k in parts) if (parts[k]) dirty[k] = true;
    if (frameRequested) return;
    frameRequested = true;
    window.requestAnimationFrame(drawFrame);
  }
  function drawFrame() {
    frameRequested = false;
    var d = dirty;
    dirty = { tiles: false, table: false, detail: false, timeline: false, leaders: false };
    if (d.table) renderTable();
    if (d.tiles) renderTiles();
    if (d.detail) renderDetail();
    if (d.timeline) {
      var at = performance.now();
      if (at - timelineDrawnAt >= TIMELINE_EVERY_MS) { timelineDrawnAt = at; renderTimeline(); }
      else if (timelineTimer === null) {
        timelineTimer = setTimeout(function () { timelineTimer = null; requestRender({ timeline: true }); }, TIMELINE_EVERY_MS - (at - timelineDrawnAt));
      }
    }
    if (d.leaders) renderLeaders();
  }

  // What a person does is drawn at once (and rarely): a click, a filter, a sort.
  function onRowClick(event) { selected = event.currentTarget.dataset.peerId; renderTable(); renderDetail(); }

  // ---- reading lease-health page by page -------------------------------------------------------
  function nextLink(header) {
    var m = /<([^>]*)>\\s*;\\s*rel="?next"?/.exec(header || '');
    // Only a path on this host is followed.
    return m && m[1].charAt(0) === '/' && m[1].charAt(1) !== '/' ? m[1] : null;
  }
  function fetchPage(url) {
    return fetch(url, { headers: headers('application/json') }).then(function (response) {
      if (response.status === 401 || response.status === 403) { needToken(); throw new Error('unauthorized'); }
      if (!response.ok) throw new Error('lease-health answered ' + response.status);
      return { next: nextLink(response.headers.get('link')), body: response.json() };
    });
  }
  var goneCount = 0;
  // Makes read records the page's view: all of them at the end of a read or, on the first read of a
  // view of several pages, the first page at once (the tiles then show the summary of the whole view,
  // which every page carries).
  function adopt(fresh, summary, replay) {
    records = fresh;
    byId = new Map();
    goneCount = 0;
    counts = { healthy: 0, unhealthy: 0, pending: 0 };
    for (var i = 0; i < fresh.length; i++) {
      var r = fresh[i];
      byId.set(r.id, r);
      if (r.gone) { goneCount++; continue; }
      if (r.healthy) counts.healthy++; else counts.unhealthy++;
      counts.pending += r.pending;
    }
    if (summary && typeof summary.eligiblePeers === 'number' && typeof summary.unhealthyPeers === 'number') {
      counts = { healthy: summary.eligiblePeers, unhealthy: summary.unhealthyPeers, pending: Number(summary.pendingReassignments) || 0 };
    }
    // Transitions that arrived while the pages were read may be newer than what they say.
    replay.forEach(function (e) { applyTransition(e); });
    $('token-form').classList.remove('shown');
    invalidate();
    renderTable(); renderTiles(); renderDetail();
    if (performance.getEntriesByName(FIRST_ROWS_MARK).length === 0) performance.mark(FIRST_ROWS_MARK);
  }

  function load() {
    if (loading) return loading;
    var fresh = [];
    var ord = 0;
    var initial = records.length === 0;
    sinceLoad = [];
    // The next page is requested as soon as this one's headers arrive, then this one is parsed.
    function step(promise) {
      return promise.then(function (page) {
        var after = page.next ? step(fetchPage(page.next)) : null;
        return page.body.then(function (body) {
          var peers = body && Array.isArray(body.peers) ? body.peers : [];
          for (var i = 0; i < peers.length; i++) fresh.push(toRecord(peers[i], ord++));
          if (initial && after && ord === peers.length) { reading = true; adopt(fresh.slice(), body.summary, sinceLoad || []); }
          return after;
        });
      });
    }
    loading = step(fetchPage('lease-health?limit=' + PAGE_SIZE)).then(function () {
      var replay = sinceLoad;
      sinceLoad = null;
      loading = null;
      reading = false;
      adopt(fresh, null, replay);
      if (performance.getEntriesByName(FIRST_RENDER_MARK).length === 0) performance.mark(FIRST_RENDER_MARK);
    }, function (error) { loading = null; sinceLoad = null; reading = false; throw error; });
    return loading;
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
    }).catch(function () { leaders = null; }).then(function () { requestRender({ leaders: true }); });
  }

  function scheduleRefresh() {
    if (refreshTimer !== null) return;
    // A large fleet takes a while to read: re-read it less often (its rows follow the events meanwhile).
    var delay = records.length > 1000 ? 3000 : 250;
    refreshTimer = setTimeout(function () { refreshTimer = null; load().catch(function () {}); }, delay);
  }

  // Returns whether the peer was known; counts and the row follow the new status.
  function applyTransition(e) {
    var r = byId.get(e.peerId);
    if (!r || r.gone) return false;
    if (e.to === 'evicted') {
      if (listValid && passes(r)) {
        var at = indexOfPlace(placeOf(r));
        if (list[at] === r) list.splice(at, 1); else invalidate();
      }
      r.gone = true; goneCount++;
      if (r.healthy) counts.healthy--; else counts.unhealthy--;
      counts.pending -= r.pending;
    } else {
      var healthy = e.to === 'healthy';
      if (healthy !== r.healthy) {
        r.healthy = healthy;
        r.peer.isHealthy = healthy;
        if (healthy) { counts.healthy++; counts.unhealthy--; } else { counts.healthy--; counts.unhealthy++; }
        if (dependsOnStatus()) moveInList(r, !healthy);
      }
      r.ver++;
    }
    return true;
  }

  function onEvent(type, data) {
    var e;
    try { e = JSON.parse(data); } catch (error) { return; }
    if (!e || typeof e !== 'object') return;
    if (type === 'transition') {
      if (sinceLoad) sinceLoad.push(e);
      // The row follows at once; its details (heartbeat, leases, metadata, or the whole peer when it
      // just joined) come with the next read, debounced.
      applyTransition(e);
      scheduleRefresh();
      pushTimeline('status-' + (e.to === 'healthy' ? 'healthy' : 'unhealthy'), String(e.at).slice(11, 19) + ' ' + e.peerId + ': ' + e.from + ' \\u2192 ' + e.to + ' (' + e.reason + ')');
      requestRender({ tiles: true, table: true, timeline: true, detail: e.peerId === selected });
    } else if (type === 'leadership') {
      if (leaders === null) leaders = {};
      leaders[e.scope] = e.leaderId;
      pushTimeline('', String(e.at).slice(11, 19) + ' leader of ' + e.scope + ': ' + (e.leaderId || '(none)'));
      requestRender({ leaders: true, timeline: true });
    } else if (type === 'anomaly') {
      pushTimeline('muted', String(e.at).slice(11, 19) + ' anomaly ' + e.kind + (e.count > 1 ? ' x' + e.count : ''));
      requestRender({ timeline: true });
    } else if (type === 'reset') {
      scheduleRefresh();
    }
  }
  function pushTimeline(cls, value) {
    var entry = { cls: cls, text: value };
    timeline.push(entry);
    timelineFresh.push(entry);
    if (timeline.length > 1000) timeline.splice(0, timeline.length - 1000);
    if (timelineFresh.length > TIMELINE_SHOWN) timelineFresh.splice(0, timelineFresh.length - TIMELINE_SHOWN);
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
          var start = 0, end;
          while ((end = buffered.indexOf('\\n\\n', start)) >= 0) {
            var lines = buffered.slice(start, end).split('\\n');
            start = end + 2;
            var type = 'message', data = '';
            for (var i = 0; i < lines.length; i++) {
              var line = lines[i];
              if (line.indexOf('id: ') === 0) lastEventId = line.slice(4);
              else if (line.indexOf('event: ') === 0) type = line.slice(7);
              else if (line.indexOf('data: ') === 0) data += line.slice(6);
            }
            if (data) { received++; onEvent(type, data); }
          }
          buffered = buffered.slice(start);
          // How many events this page has taken from its stream (the bench reads it).
          $('live').dataset.events = String(received);
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      $('live').textContent = 'reconnecting'; $('live').className = '';
      setTimeout(function () { load().catch(function () {}); follow(); }, 2000);
    });
  }

  $('viewport').addEventListener('scroll', function () { requestRender({ table: true }); }, { passive: true });
  window.addEventListener('resize', function () { requestRender({ table: true }); });
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
  // Heartbeat ages move with the clock: the visible rows' age cells are redrawn once a second.
  setInterval(function () { ageSecond++; requestRender({ table: true }); }, 1000);
  // Heartbeats and leases are not streamed: the view is re-read every second while it is small (so
  // the heartbeat age a row shows when it turns unhealthy is the grace period, give or take a
  // second), every 10 s once it is large; the leaders every 10 s.
  function reread() {
    load().catch(function () {}).then(function () {
      // Waiting for a token is no reason to knock every second.
      var slow = records.length > 1000 || $('token-form').classList.contains('shown');
      setTimeout(reread, slow ? 10000 : 1000);
    });
  }
  setTimeout(reread, 1000);
  setInterval(loadLeaders, 10000);
  load().catch(function () {}).then(loadLeaders);
  follow();
})();
`;

/* Script of the HTML report (host/report/report_html.c writes the markup, report_data.c
 * the JSON in #tc-data). Everything runs offline: no request leaves the page.
 *
 * The table shows a page of the candidates at a time, rendered from the data; sorting,
 * filters, search, the timeline and the exports work over all of them. The overview map
 * draws at most MAP_MAX of those the filters keep (the highest scores) and says so.
 *
 * Test hooks: errors (window errors, console.error, Content-Security-Policy violations)
 * go to body[data-errors]; body[data-shown] holds the number of candidates the filters
 * keep, body[data-rows] the rows in the table now, body[data-page] and [data-pages] the
 * page shown and how many there are, body[data-drawn] the candidates drawn on the map,
 * body[data-load-ms] the milliseconds from navigation to the script's end.
 * The URL hash sets filters (#q=..&score=lo..hi&flag=MH&type=tanker&from=YYYY-MM-DD
 * &to=YYYY-MM-DD&port=in|out&area=lat0,lon0,lat1,lon1), the order (&sort=score.desc, a
 * column's data-key and asc or desc), the page (&page=N, &size=N) and a selected
 * candidate (&select=N, its list index); &export=csv|geojson puts that export's text into
 * #tc-export, and #selftest exercises the page and writes the result to
 * body[data-selftest]. */
(function () {
  'use strict';
  var errors = [];
  function flush() { document.body.setAttribute('data-errors', errors.join(' | ')); }
  window.addEventListener('error', function (e) { errors.push(String(e.message)); flush(); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('blocked ' + e.blockedURI + ' (' + e.violatedDirective + ')'); flush();
  });
  var ce = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, ' ')); flush(); ce.apply(console, arguments);
  };

  var D = JSON.parse(document.getElementById('tc-data').textContent);
  /* The candidates come as rows under D.cols (report_data.c). Each is read through getters
   * on one prototype, so a month's hundred thousand cost no decoding when the page opens;
   * the getters give each candidate's properties as every output has them, deriving what
   * the rows leave out, and props() makes them one object, in their order (the export). */
  D.enc = (function () {
    var col = {}, S = D.strings, T = D.tag_names, F = D.reason_forms, port = 1 << T.indexOf('near_port');
    D.cols.forEach(function (c, j) { col[c] = j; });
    var keys = ['id', 'mmsi_a', 'mmsi_b', 'start', 'end', 'start_unix', 'end_unix', 'duration_s', 'close_slots',
      'min_dist_m', 'median_dist_m', 'mean_lat', 'mean_lon', 'speed_a_kn', 'speed_b_kn', 'score', 'reasons', 'flag_a',
      'flag_b', 'name_a', 'name_b', 'imo_a', 'imo_b', 'callsign_a', 'callsign_b', 'type_a', 'type_b', 'shore_dist_m',
      'port', 'port_dist_m', 'crowd', 'tags', 'gap_before_a_s', 'gap_after_a_s', 'gap_before_b_s', 'gap_after_b_s',
      'n_gaps', 'n_loitering', 'n_dark', 'events', 'country_a', 'country_b', 'type_name_a', 'type_name_b', 'in_port'];
    var isoz = function (t) { return new Date(t * 1000).toISOString().slice(0, 19) + 'Z'; };
    var derive = {
      start: function (r) { return isoz(r[col.start_unix]); },
      end: function (r) { return isoz(r[col.end_unix]); },
      duration_s: function (r) { return r[col.end_unix] - r[col.start_unix]; },
      tags: function (r) { return T.filter(function (n, b) { return r[col.tags] & (1 << b); }); },
      country_a: function (r) { return S[r[col.country_a]]; },
      country_b: function (r) { return S[r[col.country_b]]; },
      type_name_a: function (r) { return S[r[col.type_name_a]]; },
      type_name_b: function (r) { return S[r[col.type_name_b]]; },
      in_port: function (r) { return (r[col.tags] & port) !== 0; },
      reasons: function (r) { /* [form, number..., form, ...] (report_data.c, reasons_row) */
        var a = r[col.reasons], out = [], k = 0;
        while (k < a.length) {
          var f = F[a[k++]], t = f[0];
          for (var m = 1; m < f.length; m += 2) t += a[k++].toFixed(f[m]) + f[m + 1];
          out.push(t);
        }
        return out.join('; ');
      }
    };
    function Cand(r) { this.r = r; }
    keys.forEach(function (k) {
      var f = derive[k], j = col[k];
      Object.defineProperty(Cand.prototype, k, { get: f ? function () { return f(this.r); } : function () { return this.r[j]; } });
    });
    Cand.prototype.props = function () {
      var o = {};
      for (var k = 0; k < keys.length; k++) o[keys[k]] = this[keys[k]];
      return o;
    };
    var out = D.rows.map(function (r) { return new Cand(r); });
    D.rows = null;
    return out;
  })();
  var N = D.enc.length;
  var hasL = typeof L !== 'undefined';
  var $ = function (id) { return document.getElementById(id); };

  function color(s) { return s >= 8 ? '#b30000' : s >= 4 ? '#e34a33' : s >= 0 ? '#fc8d59' : '#8c96a0'; }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  function iso(t) { return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' '); }

  /* Land: every ring in one polygon filled even-odd (a lake is a ring inside land);
   * then the shoreline as lines. */
  function coastLayer(map) {
    if (D.land && D.land.length) {
      L.polygon(D.land.map(function (r) { return r.map(function (p) { return [p[1], p[0]]; }); }),
        { stroke: false, fillColor: '#e9e4d4', fillOpacity: 1, fillRule: 'evenodd', interactive: false }).addTo(map);
    }
    D.coast.forEach(function (l) {
      L.polyline(l.map(function (p) { return [p[1], p[0]]; }),
        { color: '#4b5a68', weight: 1, interactive: false }).addTo(map);
    });
    L.control.scale({ metric: true, imperial: false }).addTo(map);
  }

  /* ---- the overview map ---- */
  /* Circles for at most MAP_MAX candidates: Leaflet keeps a layer object per circle, and a
   * month's hundred thousand would make every redraw crawl. */
  var MAP_MAX = 3000;
  var map = null, markers = {}, markerGroup = null, drawn = [];
  function openPanel(i) {
    var d = $('panel-' + i);
    if (!d) return null;
    d.open = true; initTrack(d); d.scrollIntoView({ block: 'nearest' });
    return d;
  }
  if (hasL) {
    map = L.map('map', { attributionControl: false, worldCopyJump: true, preferCanvas: true });
    coastLayer(map);
    if (N) {
      var la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
      D.enc.forEach(function (e) {
        la0 = Math.min(la0, e.mean_lat); la1 = Math.max(la1, e.mean_lat);
        lo0 = Math.min(lo0, e.mean_lon); lo1 = Math.max(lo1, e.mean_lon);
      });
      map.fitBounds(L.latLngBounds([la0, lo0], [la1, lo1]).pad(0.2), { maxZoom: 12 });
    } else map.setView([20, 0], 2);
    /* The land is filled inside D.land_box only: the overview may not zoom or pan out of
     * it, so no view shows land left unfilled (a box over the antimeridian is left free). */
    var lb = D.land_box;
    if (lb && lb[1] >= -180 && lb[3] <= 180) {
      var box = L.latLngBounds([lb[0], lb[1]], [lb[2], lb[3]]);
      map.setMinZoom(map.getBoundsZoom(box, true));
      map.options.maxBoundsViscosity = 1;
      map.setMaxBounds(box);
    }
  } else {
    $('map').innerHTML = '<p class="nomap">Leaflet is not installed (apt-get install libjs-leaflet): no maps. ' +
      'The table, filters, timeline, export and plots work.</p>';
    $('f-area-draw').disabled = true;
  }
  function marker(i) {
    var e = D.enc[i], m = L.circleMarker([e.mean_lat, e.mean_lon],
      { radius: 6, color: '#222', weight: 1, fillColor: color(e.score), fillOpacity: 0.85 });
    m.bindPopup(function () {
      return '<b>' + esc(e.mmsi_a) + ' &ndash; ' + esc(e.mmsi_b) + '</b><br>' + esc(e.start) + ' to ' +
        esc(e.end) + '<br>score ' + e.score + '<br>' + esc(e.reasons);
    });
    m.on('click', function () { select(i, true); });
    return m;
  }
  /* The kept candidates on the map: all of them up to MAP_MAX, else the MAP_MAX with the
   * highest scores (ties in list order), with a note saying how many are left out. */
  function drawMarkers() {
    drawn = [];
    for (var r = 0; r < N && drawn.length < MAP_MAX; r++) if (isShown[byScore[r]]) drawn.push(byScore[r]);
    document.body.setAttribute('data-drawn', String(drawn.length));
    $('map-note').textContent = shown.length > drawn.length ?
      ' (the ' + drawn.length + ' highest scores of the ' + shown.length + ' kept; filter to see the others)' : '';
    if (!map) return;
    if (markerGroup) map.removeLayer(markerGroup);
    markers = {};
    var ms = drawn.slice().reverse().map(function (i) { return (markers[i] = marker(i)); }); /* best on top */
    markerGroup = L.featureGroup(ms).addTo(map);
    styleMarkers();
  }

  /* ---- a panel's map with track playback ---- */
  function lerpAt(tr, t) {
    if (!tr.length || t < tr[0][0] || t > tr[tr.length - 1][0]) return null;
    var lo = 0, hi = tr.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (tr[mid][0] <= t) lo = mid; else hi = mid; }
    var a = tr[lo], b = tr[hi], f = b[0] > a[0] ? (t - a[0]) / (b[0] - a[0]) : 0;
    return [a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
  }
  function initTrack(d) {
    if (!hasL || d.getAttribute('data-map')) return;
    var i = d.getAttribute('data-i'), t = D.tracks[i], div = d.querySelector('.trackmap');
    if (!t || !div) return;
    var e = D.enc[+i], m = L.map(div, { attributionControl: false, preferCanvas: true });
    coastLayer(m);
    var all = [], t0 = Infinity, t1 = -Infinity, dots = {};
    [['a', '#1f77b4'], ['b', '#ff7f0e']].forEach(function (r) {
      var tr = t[r[0]];
      if (!tr.length) return;
      var ll = tr.map(function (p) { return [p[1], p[2]]; });
      all = all.concat(ll);
      t0 = Math.min(t0, tr[0][0]); t1 = Math.max(t1, tr[tr.length - 1][0]);
      L.polyline(ll, { color: r[1], weight: 2, opacity: 0.6 }).addTo(m);
      var ins = tr.filter(function (p) { return p[0] >= e.start_unix && p[0] <= e.end_unix; })
        .map(function (p) { return [p[1], p[2]]; });
      if (ins.length) L.polyline(ins, { color: r[1], weight: 5 }).addTo(m);
      dots[r[0]] = L.circleMarker(ll[0], { radius: 6, color: '#000', weight: 2, fillColor: r[1], fillOpacity: 1 });
    });
    (e.events || []).forEach(function (x) {
      var g = L.layerGroup(evLayers(x, true, []));
      if (kindOn[x.kind]) g.addTo(m);
      (d._tcEv = d._tcEv || []).push([x.kind, g, m]);
    });
    L.circleMarker([e.mean_lat, e.mean_lon], { radius: 5, color: '#000', fillColor: '#ffd400', fillOpacity: 1 }).addTo(m);
    if (all.length) m.fitBounds(L.latLngBounds(all).pad(0.1), { maxZoom: 15 });
    else m.setView([e.mean_lat, e.mean_lon], 12);
    d.setAttribute('data-map', '1');
    if (t0 < t1) playback(d, t, t0, t1, m, dots);
  }
  /* Two dots moving along both tracks; a slider scrubs, the button plays (60x at 1x). */
  function playback(d, t, t0, t1, m, dots) {
    var box = document.createElement('div');
    box.className = 'playback';
    box.innerHTML = '<button type="button" class="play">&#9654; play</button>' +
      '<select class="speed"><option value="600">600&times;</option><option value="3600" selected>3600&times;</option>' +
      '<option value="14400">14400&times;</option></select>' +
      '<input type="range" class="pos" min="' + t0 + '" max="' + t1 + '" step="1" value="' + t0 + '">' +
      '<span class="ptime"></span>';
    d.querySelector('.trackbox').appendChild(box);
    var pos = box.querySelector('.pos'), btn = box.querySelector('.play'), lab = box.querySelector('.ptime');
    var timer = null, last = 0;
    function show(tt) {
      ['a', 'b'].forEach(function (k) {
        if (!dots[k]) return;
        var p = lerpAt(t[k], tt);
        if (p) { dots[k].setLatLng(p); if (!m.hasLayer(dots[k])) dots[k].addTo(m); }
        else if (m.hasLayer(dots[k])) m.removeLayer(dots[k]);
      });
      lab.textContent = iso(tt) + ' UTC';
      d.setAttribute('data-play-t', String(Math.round(tt)));
    }
    function stop() { if (timer) cancelAnimationFrame(timer); timer = null; btn.innerHTML = '&#9654; play'; }
    function step(now) {
      var v = +pos.value + (now - last) / 1000 * +box.querySelector('.speed').value;
      last = now;
      if (v >= t1) { v = t1; stop(); }
      pos.value = v; show(v);
      if (timer) timer = requestAnimationFrame(step);
    }
    btn.addEventListener('click', function () {
      if (timer) { stop(); return; }
      if (+pos.value >= t1) pos.value = t0;
      btn.innerHTML = '&#10073;&#10073; pause'; last = performance.now();
      timer = requestAnimationFrame(step);
    });
    pos.addEventListener('input', function () { show(+pos.value); });
    d._tcShow = show;
    show(t0);
  }
  document.querySelectorAll('details.enc').forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) initTrack(d); });
  });


  /* ---- events (spec events §4): gaps, loitering, dark rendezvous ---- */
  var KINDS = ['gap', 'loitering', 'dark'], kindOn = { gap: true, loitering: true, dark: true };
  var KCOL = { gap: '#3d4b59', loitering: '#138a72', dark: '#7b2cbf' };
  var linkedBy = {}; /* an event (its ref without the vessel's role) -> the candidates it is linked to */
  function evKey(x) { return x.ref.replace(/^(gap|loitering) [ab] /, '$1 '); }
  D.enc.forEach(function (e, i) {
    (e.events || []).forEach(function (x) { (linkedBy[evKey(x)] = linkedBy[evKey(x)] || []).push(i); });
  });
  function hrs(x) { return ((x.end_unix - x.start_unix) / 3600).toFixed(1); }
  function evLabel(x) {
    if (x.kind === 'gap') return 'gap ' + x.vessel + ' ' + hrs(x) + ' h' + (x.coverage < 0.5 ? ' (reception hole)' : '');
    if (x.kind === 'loitering') return 'loitering ' + x.vessel + ' ' + hrs(x) + ' h';
    return 'dark ' + iso(x.start_unix).slice(5, 10) + ' L* ' + (x.l_star_s / 3600).toFixed(1) + ' h';
  }
  function evText(x) {
    var t = '<b>' + esc(x.ref) + '</b><br>' + esc(x.start) + ' to ' + esc(x.end);
    if (x.kind === 'gap') t += '<br>' + (x.dist_m / 1000).toFixed(1) + ' km between the ends; ' + x.others_seen +
      ' others heard, coverage ' + x.coverage;
    if (x.kind === 'loitering') t += '<br>median speed ' + x.median_speed_kn + ' kn';
    if (x.kind === 'dark') t += '<br>could meet at X* for ' + (x.l_star_s / 3600).toFixed(1) + ' h, ' +
      iso(x.window_start_unix) + ' to ' + iso(x.window_end_unix) + ' UTC; apart ' + (x.dist_dark_m / 1000).toFixed(1) +
      ' km going dark, ' + (x.dist_reappear_m / 1000).toFixed(1) + ' km reappearing; coverage ' + x.coverage_a + ', ' +
      x.coverage_b + (x.rank ? '; rank ' + x.rank : '');
    if (x.place) t += '<br>at ' + esc(x.place) + ' (ranked down)';
    var l = linkedBy[evKey(x)];
    if (l) t += '<br>linked to ' + l.length + ' candidate' + (l.length > 1 ? 's' : '');
    return t;
  }
  /* One event as map layers (appended to out). */
  function evLayers(x, linked, out) {
    var c = KCOL[x.kind], op = linked ? 0.95 : x.place ? 0.15 : 0.35; /* at a port or anchorage: fainter */
    if (x.kind === 'gap') {
      out.push(L.polyline([[x.lat0, x.lon0], [x.lat1, x.lon1]], { color: c, weight: linked ? 3 : 1.5, opacity: op, dashArray: '6 5' }));
      out.push(L.circleMarker([x.lat0, x.lon0], { radius: 3, color: c, weight: 1, fillColor: '#fff', fillOpacity: op }));
      out.push(L.circleMarker([x.lat1, x.lon1], { radius: 3, color: c, weight: 1, fillColor: c, fillOpacity: op }));
    } else if (x.kind === 'loitering') {
      out.push(L.circleMarker([x.lat, x.lon], { radius: linked ? 7 : 4, color: c, weight: 1, opacity: op, fillColor: c, fillOpacity: op * 0.5 }));
    } else {
      out.push(L.circleMarker([x.lat, x.lon], { radius: linked ? 8 : 4, color: c, weight: linked ? 2 : 1, opacity: op, dashArray: linked ? '3 2' : null, fillColor: c, fillOpacity: op * 0.5 }));
    }
    out.forEach(function (l) { l.bindPopup(evText(x)); });
    return out;
  }
  var evGroups = {}, evDrawn = { gap: 0, loitering: 0, dark: 0 }, evLinked = 0;
  if (D.events && map) {
    KINDS.forEach(function (k) {
      var g = L.layerGroup();
      D.events[k].forEach(function (x) {
        evLayers(x, !!linkedBy[evKey(x)], []).forEach(function (l) { g.addLayer(l); });
        evDrawn[k]++;
        if (linkedBy[evKey(x)]) evLinked++;
      });
      evGroups[k] = g.addTo(map);
    });
  }
  $('ev-note').textContent = D.events ?
    'on the map: ' + KINDS.map(function (k) {
      return D.events[k].length + (D.events.total[k] > D.events[k].length ? ' of ' + D.events.total[k] : '') + ' ' +
        { gap: 'gaps', loitering: 'loitering', dark: 'dark rendezvous' }[k];
    }).join(', ') + ' (linked ones bold, those at a port or anchorage ranked down)' :
    'no events computed (a list ranked without a store, or --no-events)';
  /* What the map and the table show of each kind, for tests: "gap:N,loitering:N,dark:N" (events on the
   * map) and the number of event labels visible in the table. */
  function evShown() {
    var cells = 0;
    document.querySelectorAll('td.evcell .ev').forEach(function (el) { if (getComputedStyle(el).display !== 'none') cells++; });
    document.body.setAttribute('data-ev-cells', String(cells));
    document.body.setAttribute('data-ev-linked', String(evLinked)); /* drawn as linked on the map */
    return KINDS.map(function (k) { return k + ':' + (evGroups[k] && map.hasLayer(evGroups[k]) ? evDrawn[k] : 0); }).join(',');
  }
  function setKind(k, on) {
    kindOn[k] = on;
    $('ev-' + k).checked = on;
    document.body.classList.toggle('hide-ev-' + k, !on);
    if (evGroups[k]) { if (on) evGroups[k].addTo(map); else map.removeLayer(evGroups[k]); }
    document.querySelectorAll('details.enc').forEach(function (d) {
      (d._tcEv || []).forEach(function (p) { if (p[0] === k) { if (on) p[1].addTo(p[2]); else p[2].removeLayer(p[1]); } });
    });
    document.body.setAttribute('data-ev-shown', evShown());
    apply();
  }
  KINDS.forEach(function (k) { $('ev-' + k).addEventListener('change', function () { setKind(k, this.checked); }); });
  /* Network neighbourhood of both vessels (the graph `trajcorr network` draws). */
  function nbHtml(e) {
    var out = '';
    [['a', e.mmsi_a, e.mmsi_b], ['b', e.mmsi_b, e.mmsi_a]].forEach(function (r) {
      var n = D.net && D.net[r[1]];
      if (!n) return;
      out += '<p><span class="v' + r[0] + '">' + r[1] + '</span> met ' + n.met + ' vessel' + (n.met > 1 ? 's' : '') +
        ' (' + n.links + ' links): ' + n.v.map(function (m) {
          var what = [m[1] ? m[1] + ' enc' : '', m[2] ? m[2] + ' dark' : ''].filter(Boolean).join(', ');
          return '<span class="nbv' + (m[0] === r[2] ? ' pair' : '') + (m[1] + m[2] > 1 ? ' rep' : '') + '" title="' +
            iso(m[3]) + ' to ' + iso(m[4]) + ' UTC">' + m[0] + ' (' + what + ')</span>';
        }).join(', ') + (n.met > n.v.length ? ', &hellip;' : '') + '</p>';
    });
    return out ? '<div class="nb"><h4>Network neighbourhood</h4>' + out +
      '<p class="note">bold: met more than once; underlined: this pair.</p></div>' : '';
  }
  function evList(e) {
    if (!(e.events || []).length) return '';
    return '<div class="evlist"><h4>Linked events</h4><ul>' + e.events.map(function (x) {
      return '<li class="ev ev-' + x.kind + '">' + evText(x) + '</li>';
    }).join('') + '</ul></div>';
  }
  document.querySelectorAll('details.enc').forEach(function (d) {
    var e = D.enc[+d.getAttribute('data-i')], info = d.querySelector('.info');
    if (info) info.insertAdjacentHTML('beforeend', evList(e) + nbHtml(e));
  });

  /* ---- table: a page of rows rendered from the data ---- */
  var table = $('candidates'), ths = table.querySelectorAll('thead th'), tbody = table.tBodies[0];
  function evCount(e) { return e.events ? e.events.length : 0; }
  /* The value each column sorts by; null sorts last either way. */
  var SORTV = {
    rank: function (e, i) { return i; }, score: function (e) { return e.score; },
    start: function (e) { return e.start_unix; }, end: function (e) { return e.end_unix; },
    duration: function (e) { return e.duration_s; }, a: function (e) { return e.mmsi_a; },
    b: function (e) { return e.mmsi_b; }, min_dist: function (e) { return e.min_dist_m; },
    shore: function (e) { return e.shore_dist_m; }, port: function (e) { return e.port; },
    reasons: function (e) { return e.reasons; }, events: evCount, id: function (e) { return e.id; }
  };
  var sortKey = 'rank', sortDir = 'asc', order = [], view = [], page = 0, pageSize = 100, selected = -1;
  for (var oi = 0; oi < N; oi++) order.push(oi);
  /* Every candidate in the order of a column; ties in list order. */
  function sortBy(key, dir) {
    if (!SORTV[key]) return;
    var f = SORTV[key], v = D.enc.map(function (e, i) { return f(e, i); }), sg = dir === 'desc' ? -1 : 1;
    order.sort(function (x, y) {
      var a = v[x], b = v[y];
      if (a === null || a === undefined || b === null || b === undefined) {
        var na = a === null || a === undefined, nb = b === null || b === undefined;
        return na !== nb ? (na ? 1 : -1) : x - y;
      }
      return (a < b ? -sg : a > b ? sg : 0) || x - y;
    });
    sortKey = key; sortDir = dir;
    ths.forEach(function (h) { h.classList.toggle('asc', h.getAttribute('data-key') === key && dir === 'asc');
      h.classList.toggle('desc', h.getAttribute('data-key') === key && dir === 'desc'); });
    makeView(); page = 0; renderPage();
  }
  function makeView() { view = order.filter(function (i) { return isShown[i]; }); }
  function pages() { return Math.max(1, Math.ceil(view.length / pageSize)); }
  function evCell(e) {
    return (e.events || []).map(function (x) {
      return '<span class="ev ev-' + x.kind + (x.place ? ' atplace' : '') + '" title="' + esc(x.ref + (x.place ? ' at ' + x.place : '')) +
        '">' + esc(evLabel(x)) + '</span>';
    }).join(' ');
  }
  function vesselCell(r, mmsi, flag, name, type) {
    return '<td data-v="' + mmsi + '"><span class="v' + r + '">' + mmsi + '</span>' + (flag ? ' ' + esc(flag) : '') +
      (name ? '<br>' + esc(name) : '') + (type ? ' <span class="note">' + esc(type) + '</span>' : '') + '</td>';
  }
  function rowHtml(i) {
    var e = D.enc[i], h = e.duration_s / 3600, sh = e.shore_dist_m;
    return '<tr data-i="' + i + '" id="row-' + esc(e.id) + '"' + (i === selected ? ' class="sel"' : '') + '>' +
      '<td class="num" data-v="' + (i + 1) + '">' + (i + 1) + '</td>' +
      '<td class="num score" data-v="' + e.score + '">' + e.score.toFixed(1) + '</td>' +
      '<td data-v="' + e.start + '">' + e.start.slice(0, 16) + '</td><td data-v="' + e.end + '">' + e.end.slice(0, 16) + '</td>' +
      '<td class="num" data-v="' + h + '">' + h.toFixed(1) + '</td>' +
      vesselCell('a', e.mmsi_a, e.flag_a, e.name_a, e.type_name_a) + vesselCell('b', e.mmsi_b, e.flag_b, e.name_b, e.type_name_b) +
      '<td class="num" data-v="' + Math.round(e.min_dist_m) + '">' + Math.round(e.min_dist_m) + '</td>' +
      (sh === null ? '<td data-v=""></td>' : '<td class="num" data-v="' + Math.round(sh / 100) / 10 + '">' + (sh / 1000).toFixed(1) + '</td>') +
      '<td data-v="' + esc(e.port) + '">' + (e.port ? esc(e.port) + ' <span class="note">' + (e.port_dist_m / 1000).toFixed(1) + ' km</span>' : '') + '</td>' +
      '<td class="reasons" data-v="' + esc(e.reasons) + '">' + esc(e.reasons) + '</td>' +
      '<td class="evcell" data-v="' + evCount(e) + '">' + evCell(e) + '</td>' +
      '<td data-v="' + esc(e.id) + '"><code>' + esc(e.id) + '</code></td></tr>';
  }
  function renderPage() {
    var np = pages();
    page = Math.max(0, Math.min(page, np - 1));
    var lo = page * pageSize, hi = Math.min(view.length, lo + pageSize);
    tbody.innerHTML = view.slice(lo, hi).map(rowHtml).join('');
    $('p-num').value = page + 1; $('p-num').max = np;
    $('p-of').textContent = 'of ' + np;
    $('p-rows').textContent = view.length ? 'rows ' + (lo + 1) + '\u2013' + hi + ' of ' + view.length : 'no rows';
    $('p-first').disabled = $('p-prev').disabled = page === 0;
    $('p-next').disabled = $('p-last').disabled = page >= np - 1;
    document.body.setAttribute('data-rows', String(hi - lo));
    document.body.setAttribute('data-page', String(page + 1));
    document.body.setAttribute('data-pages', String(np));
    document.body.setAttribute('data-ev-shown', evShown());
  }
  function goPage(p) { page = p; renderPage(); }
  ths.forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-key');
      sortBy(k, k === sortKey && sortDir === 'desc' ? 'asc' : 'desc');
    });
  });
  tbody.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr');
    if (tr) select(+tr.getAttribute('data-i'), false);
  });
  $('p-first').addEventListener('click', function () { goPage(0); });
  $('p-prev').addEventListener('click', function () { goPage(page - 1); });
  $('p-next').addEventListener('click', function () { goPage(page + 1); });
  $('p-last').addEventListener('click', function () { goPage(pages() - 1); });
  $('p-num').addEventListener('change', function () { goPage((+$('p-num').value || 1) - 1); });
  $('p-size').addEventListener('change', function () {
    var first = page * pageSize;
    pageSize = +$('p-size').value; goPage(Math.floor(first / pageSize));
  });

  /* ---- a selected candidate: its panel when it has one, else its details ---- */
  function details(i) {
    var e = D.enc[i];
    function vrow(r) {
      return '<tr><th class="v' + r + '">' + r + '</th><td>' + e['mmsi_' + r] + '</td><td>' + esc(e['flag_' + r]) + ' ' +
        esc(e['country_' + r]) + '</td><td>' + esc(e['name_' + r]) + '</td><td>' + (e['imo_' + r] || '') + '</td><td>' +
        esc(e['callsign_' + r]) + '</td><td>' + esc(e['type_name_' + r]) + '</td></tr>';
    }
    return '<h3>#' + (i + 1) + ' score ' + e.score.toFixed(1) + ' &mdash; <span class="va">' + e.mmsi_a + '</span> &amp; ' +
      '<span class="vb">' + e.mmsi_b + '</span> <code>' + esc(e.id) + '</code></h3>' +
      '<table><tr><th></th><th>MMSI</th><th>flag</th><th>name</th><th>IMO</th><th>call sign</th><th>type</th></tr>' +
      vrow('a') + vrow('b') + '</table><p>' + esc(e.start) + ' to ' + esc(e.end) + ', ' + e.close_slots +
      ' close grid times, min ' + Math.round(e.min_dist_m) + ' m, median ' + Math.round(e.median_dist_m) +
      ' m apart, median speeds ' + e.speed_a_kn.toFixed(2) + ' and ' + e.speed_b_kn.toFixed(2) + ' kn, at ' +
      e.mean_lat.toFixed(5) + ', ' + e.mean_lon.toFixed(5) + '.</p><ul>' +
      e.reasons.split(/; */).filter(Boolean).map(function (r) { return '<li>' + esc(r) + '</li>'; }).join('') + '</ul>' +
      evList(e) + nbHtml(e) + '<p class="note">No panel: the report draws tracks and plots for its first ' +
      document.querySelectorAll('details.enc').length + ' candidates (report --panels N).</p>';
  }
  /* Selects candidate i: highlights its row, circles it on the map and opens its panel or
   * its details; fromMap: the table turns to the page that holds it. */
  function select(i, fromMap) {
    if (!(i >= 0 && i < N)) return;
    selected = i;
    var at = view.indexOf(i);
    if (fromMap && at >= 0) page = Math.floor(at / pageSize);
    renderPage();
    var tr = tbody.querySelector('tr.sel'), tbox = table.parentNode;
    if (tr) tbox.scrollTop = tr.offsetTop - tbox.clientHeight / 2; /* its row in view in the table's box */
    var box = $('selected'), e = D.enc[i];
    if (map) {
      if (selMarker) { map.removeLayer(selMarker); selMarker = null; }
      if (!markers[i]) /* not among those drawn: a circle of its own */
        selMarker = marker(i).setStyle({ color: '#000', weight: 3 }).addTo(map);
      if (!fromMap) map.panTo([e.mean_lat, e.mean_lon]);
    }
    styleMarkers();
    document.body.setAttribute('data-selected', String(i));
    if (openPanel(i)) { box.innerHTML = ''; box.className = ''; return; }
    box.innerHTML = details(i);
    box.className = 'open';
    if (!fromMap) box.scrollIntoView({ block: 'nearest' });
  }
  var selMarker = null;

  /* ---- filters ---- */
  function fillSelect(id, values) {
    var s = $(id);
    values.forEach(function (v) {
      var o = document.createElement('option'); o.value = v[0]; o.textContent = v[1]; s.appendChild(o);
    });
  }
  (function () {
    var flags = {}, types = {};
    D.enc.forEach(function (e) {
      [['a', e.flag_a, e.country_a], ['b', e.flag_b, e.country_b]].forEach(function (f) {
        if (f[1]) flags[f[1]] = f[2] || f[1];
      });
      if (e.type_name_a) types[e.type_name_a] = 1;
      if (e.type_name_b) types[e.type_name_b] = 1;
    });
    fillSelect('f-flag', Object.keys(flags).sort().map(function (k) { return [k, k + ' ' + flags[k]]; }));
    fillSelect('f-type', Object.keys(types).sort().map(function (k) { return [k, k]; }));
  })();
  var area = null, areaRect = null;
  function day(s, end) {
    if (!s) return null;
    var t = Date.parse(s + 'T00:00:00Z') / 1000;
    return isNaN(t) ? null : end ? t + 86400 : t;
  }
  function num(id) { var v = $(id).value; return v === '' ? null : +v; }
  function state() {
    return {
      q: $('f-q').value.trim().toLowerCase(), lo: num('f-score-lo'), hi: num('f-score-hi'),
      flag: $('f-flag').value, type: $('f-type').value, from: day($('f-from').value, 0),
      to: day($('f-to').value, 1), port: $('f-port').value, area: area, ev: $('f-ev').value
    };
  }
  function inArea(e, a) {
    if (e.mean_lat < a[0] || e.mean_lat > a[2]) return false;
    var lon = e.mean_lon;
    for (var k = -1; k <= 1; k++) if (lon + 360 * k >= a[1] && lon + 360 * k <= a[3]) return true;
    return false;
  }
  /* What the search looks in, made once per candidate. */
  function hay(e) {
    if (e.hay === undefined)
      e.hay = [e.mmsi_a, e.mmsi_b, e.name_a, e.name_b, e.imo_a || '', e.imo_b || '', e.callsign_a, e.callsign_b, e.id]
        .join(' ').toLowerCase();
    return e.hay;
  }
  /* Whether candidate e passes the filters s. */
  function keep(e, s) {
    if (s.q && hay(e).indexOf(s.q) < 0) return false;
    if (s.lo !== null && !(e.score >= s.lo)) return false;
    if (s.hi !== null && !(e.score <= s.hi)) return false;
    if (s.flag && e.flag_a !== s.flag && e.flag_b !== s.flag) return false;
    if (s.type && e.type_name_a !== s.type && e.type_name_b !== s.type) return false;
    if (s.from !== null && e.end_unix < s.from) return false;
    if (s.to !== null && e.start_unix >= s.to) return false;
    if (s.port === 'in' && !e.in_port) return false;
    if (s.port === 'out' && e.in_port) return false;
    if (s.area && !inArea(e, s.area)) return false;
    if (s.ev && !(e.events || []).some(function (x) { return s.ev === 'any' ? kindOn[x.kind] : x.kind === s.ev; }))
      return false;
    return true;
  }
  var shown = [], isShown = new Uint8Array(N);
  /* The highest scores first (ties in list order): the order the map picks its circles in. */
  var byScore = order.slice().sort(function (x, y) { return D.enc[y].score - D.enc[x].score || x - y; });
  function apply() {
    var s = state();
    shown = [];
    D.enc.forEach(function (e, i) {
      var k = keep(e, s);
      isShown[i] = k ? 1 : 0;
      if (k) shown.push(i);
    });
    $('f-count').textContent = shown.length + ' of ' + N + ' shown';
    document.body.setAttribute('data-shown', String(shown.length));
    makeView(); page = 0; renderPage();
    drawMarkers();
    drawTimeline();
  }
  /* While typing, the filters apply once the keys pause: over a month's candidates each
   * pass takes a few hundred milliseconds. */
  var typing = null;
  ['f-q', 'f-score-lo', 'f-score-hi', 'f-flag', 'f-type', 'f-from', 'f-to', 'f-port', 'f-ev'].forEach(function (id) {
    $(id).addEventListener('input', function () {
      clearTimeout(typing);
      typing = setTimeout(apply, N > 20000 ? 250 : 0);
    });
    $(id).addEventListener('change', function () { clearTimeout(typing); apply(); });
  });
  function setArea(a) {
    area = a;
    if (areaRect) { map.removeLayer(areaRect); areaRect = null; }
    if (a && map) areaRect = L.rectangle([[a[0], a[1]], [a[2], a[3]]],
      { color: '#e3a008', weight: 2, fill: false, interactive: false }).addTo(map);
    $('f-area-clear').disabled = !a;
    apply();
  }
  /* Rectangle drawn by dragging on the map after pressing the button. */
  $('f-area-draw').addEventListener('click', function () {
    if (!map) return;
    var start = null, rect = null;
    $('map').classList.add('drawing');
    map.dragging.disable();
    function move(ev) {
      if (!start) return;
      var b = L.latLngBounds(start, ev.latlng);
      if (rect) rect.setBounds(b); else rect = L.rectangle(b, { color: '#e3a008', weight: 1, interactive: false }).addTo(map);
    }
    function down(ev) { start = ev.latlng; }
    function up(ev) {
      map.off('mousedown', down); map.off('mousemove', move); map.off('mouseup', up);
      map.dragging.enable(); $('map').classList.remove('drawing');
      if (rect) map.removeLayer(rect);
      if (!start) return;
      var b = L.latLngBounds(start, ev.latlng);
      setArea([b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]);
    }
    map.on('mousedown', down); map.on('mousemove', move); map.on('mouseup', up);
  });
  $('f-area-clear').addEventListener('click', function () { setArea(null); });
  $('f-reset').addEventListener('click', function () {
    ['f-q', 'f-score-lo', 'f-score-hi', 'f-flag', 'f-type', 'f-from', 'f-to', 'f-port', 'f-ev'].forEach(function (id) { $(id).value = ''; });
    setArea(null);
  });

  /* ---- timeline: every candidate as a bar from start to end, height by score ---- */
  var tmin = Infinity, tmax = -Infinity, smin = Infinity, smax = -Infinity;
  D.enc.forEach(function (e) {
    tmin = Math.min(tmin, e.start_unix); tmax = Math.max(tmax, e.end_unix);
    smin = Math.min(smin, e.score); smax = Math.max(smax, e.score);
  });
  if (!D.enc.length) { tmin = 0; tmax = 1; smin = 0; smax = 1; }
  if (smax === smin) smax = smin + 1;
  var slider = $('t-slider');
  slider.min = tmin; slider.max = tmax; slider.step = 60; slider.value = tmin;
  var cursor = tmin, tlBars = null, TH = 90, TPAD = 8;
  function tlW() { return $('timeline').clientWidth || 1000; }
  function tlX(t) { return TPAD + (t - tmin) / (tmax - tmin || 1) * (tlW() - 2 * TPAD); }
  function tlY(s) { return TH - 16 - (s - smin) / (smax - smin) * (TH - 26); }
  /* The bars, on a canvas of their own (a hundred thousand SVG elements would not do):
   * those filtered out faded underneath, those kept over them. */
  function drawTimeline() {
    var W = tlW(), r = window.devicePixelRatio || 1;
    tlBars = document.createElement('canvas');
    tlBars.width = W * r; tlBars.height = TH * r;
    var g = tlBars.getContext('2d');
    g.scale(r, r);
    g.fillStyle = '#fff'; g.fillRect(0, 0, W, TH);
    g.strokeStyle = '#7d8a96'; g.fillStyle = '#45525e'; g.lineWidth = 1; g.font = '10px system-ui,sans-serif';
    g.beginPath(); g.moveTo(TPAD, TH - 12); g.lineTo(W - TPAD, TH - 12); g.stroke();
    var every = Math.max(1, Math.ceil((tmax - tmin) / 86400 / Math.max(1, W / 70))); /* day labels that fit */
    for (var d = Math.ceil(tmin / 86400) * 86400, n = 0; d <= tmax; d += 86400, n++) {
      g.beginPath(); g.moveTo(tlX(d), TH - 12); g.lineTo(tlX(d), TH - 8); g.stroke();
      if (n % every === 0) g.fillText(iso(d).slice(0, 10), tlX(d) + 2, TH - 1);
    }
    g.lineWidth = 2;
    [0, 1].forEach(function (pass) { /* one path a colour: a stroke a bar would take seconds for a month */
      g.globalAlpha = pass ? 1 : 0.12;
      var paths = {};
      D.enc.forEach(function (e, i) {
        if (isShown[i] !== pass) return;
        var x0 = tlX(e.start_unix), y = tlY(e.score), c = color(e.score);
        var pa = paths[c] || (paths[c] = new Path2D());
        pa.moveTo(x0, y); pa.lineTo(Math.max(tlX(e.end_unix), x0 + 2), y);
      });
      Object.keys(paths).forEach(function (c) { g.strokeStyle = c; g.stroke(paths[c]); });
    });
    g.globalAlpha = 1;
    drawCursor();
  }
  function drawCursor() {
    var c = $('timeline'), W = tlW(), r = window.devicePixelRatio || 1;
    if (c.width !== W * r || c.height !== TH * r) { c.width = W * r; c.height = TH * r; }
    var g = c.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(tlBars, 0, 0);
    g.scale(r, r);
    g.strokeStyle = '#c0392b'; g.lineWidth = 1.5;
    g.beginPath(); g.moveTo(tlX(cursor), 0); g.lineTo(tlX(cursor), TH - 12); g.stroke();
  }
  /* A click picks the kept bar nearest to it (within a few pixels). */
  $('timeline').addEventListener('click', function (ev) {
    var rc = this.getBoundingClientRect(), px = ev.clientX - rc.left, py = ev.clientY - rc.top, best = -1, bd = 25;
    shown.forEach(function (i) {
      var e = D.enc[i], x0 = tlX(e.start_unix), x1 = Math.max(tlX(e.end_unix), x0 + 2);
      var dx = px < x0 ? x0 - px : px > x1 ? px - x1 : 0, dy = py - tlY(e.score), d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
    });
    if (best >= 0) select(best, true);
  });
  function underWay(e, t) { return e.start_unix - 3600 <= t && t <= e.end_unix + 3600; }
  function styleMarkers() {
    drawn.forEach(function (i) {
      var on = underWay(D.enc[i], cursor), m = markers[i];
      if (m) m.setStyle({ radius: on ? 10 : 6, weight: on || i === selected ? 3 : 1, color: i === selected ? '#000' : '#222' });
    });
  }
  /* The slider's time: candidates under way then (within an hour) stand out on the map. */
  function setCursor(t) {
    cursor = t;
    var active = 0;
    shown.forEach(function (i) { if (underWay(D.enc[i], t)) active++; });
    styleMarkers();
    $('t-label').textContent = iso(t) + ' UTC, ' + active + ' under way';
    if (tlBars) drawCursor(); /* bars stay */
    else drawTimeline();
  }
  slider.addEventListener('input', function () { setCursor(+slider.value); });
  var tTimer = null;
  $('t-play').addEventListener('click', function () {
    if (tTimer) { clearInterval(tTimer); tTimer = null; $('t-play').innerHTML = '&#9654;'; return; }
    if (+slider.value >= tmax) slider.value = tmin;
    $('t-play').innerHTML = '&#10073;&#10073;';
    tTimer = setInterval(function () {
      var v = Math.min(tmax, +slider.value + (tmax - tmin) / 300);
      slider.value = v; setCursor(v);
      if (v >= tmax) { clearInterval(tTimer); tTimer = null; $('t-play').innerHTML = '&#9654;'; }
    }, 50);
  });
  window.addEventListener('resize', function () { if (tlBars) drawTimeline(); });

  /* ---- export of the filtered selection, made in the page ---- */
  var CSV_COLS = ['id', 'mmsi_a', 'mmsi_b', 'start', 'end', 'duration_s', 'score', 'flag_a', 'flag_b', 'name_a', 'name_b',
    'type_name_a', 'type_name_b', 'min_dist_m', 'median_dist_m', 'mean_lat', 'mean_lon', 'shore_dist_m', 'port', 'in_port',
    'tags', 'reasons', 'n_gaps', 'n_loitering', 'n_dark'];
  function csvCell(v) {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) v = v.join(';');
    v = String(v);
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function selection() { return shown.map(function (i) { return D.enc[i]; }); }
  function exportText(kind) {
    var sel = selection();
    if (kind === 'csv') {
      return CSV_COLS.join(',') + '\n' + sel.map(function (e) {
        return CSV_COLS.map(function (c) { return csvCell(e[c]); }).join(',');
      }).join('\n') + (sel.length ? '\n' : '');
    }
    return JSON.stringify({
      type: 'FeatureCollection',
      features: sel.map(function (e) {
        return { type: 'Feature', geometry: { type: 'Point', coordinates: [e.mean_lon, e.mean_lat] }, properties: e.props() };
      })
    }) + '\n';
  }
  function download(kind) {
    var blob = new Blob([exportText(kind)], { type: kind === 'csv' ? 'text/csv' : 'application/geo+json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'candidates.' + (kind === 'csv' ? 'csv' : 'geojson');
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  $('export-csv').addEventListener('click', function () { download('csv'); });
  $('export-geojson').addEventListener('click', function () { download('geojson'); });

  /* ---- filters from the URL hash ---- */
  var hash = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var p = kv.split('=');
    if (p[0]) hash[decodeURIComponent(p[0])] = p.length > 1 ? decodeURIComponent(p.slice(1).join('=')) : '';
  });
  if ('q' in hash) $('f-q').value = hash.q;
  if ('score' in hash) {
    var sr = hash.score.split('..');
    $('f-score-lo').value = sr[0] || ''; $('f-score-hi').value = sr[1] || '';
  }
  if ('flag' in hash) $('f-flag').value = hash.flag;
  if ('type' in hash) $('f-type').value = hash.type;
  if ('from' in hash) $('f-from').value = hash.from;
  if ('to' in hash) $('f-to').value = hash.to;
  if ('port' in hash) $('f-port').value = hash.port;
  if ('ev' in hash) $('f-ev').value = hash.ev;
  if ('kinds' in hash) KINDS.forEach(function (k) { if (hash.kinds.split(',').indexOf(k) < 0) setKind(k, false); });
  if ('area' in hash) area = hash.area.split(',').map(Number);
  if ('size' in hash && [50, 100, 200, 500].indexOf(+hash.size) >= 0) { pageSize = +hash.size; $('p-size').value = hash.size; }
  setArea(area && area.length === 4 && area.every(isFinite) ? area : null);
  if ('sort' in hash) { var so = hash.sort.split('.'); sortBy(so[0], so[1] === 'asc' ? 'asc' : 'desc'); }
  if ('page' in hash) goPage((+hash.page || 1) - 1);
  setCursor(tmin);
  if ('select' in hash) select(+hash.select, true);
  if (hash.export === 'csv' || hash.export === 'geojson') $('tc-export').textContent = exportText(hash.export);

  /* ---- #selftest ---- */
  if ('selftest' in hash) {
    var res = [];
    try {
      /* sorted by score over all the kept candidates, the page shown from the top of that order */
      var saveKey = sortKey, saveDir = sortDir, savePage = page;
      sortBy('score', 'desc');
      for (var k = 1; k < view.length; k++) {
        var p0 = D.enc[view[k - 1]].score, p1 = D.enc[view[k]].score;
        if (p1 > p0 || (p1 === p0 && view[k] < view[k - 1])) { res.push('not sorted by score at ' + k); break; }
      }
      var rs = tbody.rows, sc = Array.prototype.findIndex.call(ths, function (h) { return h.getAttribute('data-key') === 'score'; });
      if (rs.length !== Math.min(view.length, pageSize)) res.push(rs.length + ' rows on the first page');
      for (k = 0; k < rs.length; k++)
        if (+rs[k].getAttribute('data-i') !== view[k] || parseFloat(rs[k].cells[sc].getAttribute('data-v')) !== D.enc[view[k]].score)
          { res.push('row ' + k + ' is not the view\'s'); break; }
      if (view.length > pageSize) { /* the next page holds the next rows */
        $('p-next').click();
        if (+tbody.rows[0].getAttribute('data-i') !== view[pageSize]) res.push('page 2 does not start at row ' + (pageSize + 1));
      }
      sortBy(saveKey, saveDir); goPage(savePage);
      if (shown.length) { /* a row clicked selects its pair: its panel, or its details */
        var s0i = view[page * pageSize];
        tbody.rows[0].click();
        if (selected !== s0i || !(($('panel-' + s0i) || {}).open || /#/.test($('selected').textContent))) res.push('row click did not select');
      }
      var first = document.querySelector('details.enc');
      if (first && D.tracks[first.getAttribute('data-i')]) {
        first.open = true; initTrack(first);
        if (hasL && !first.querySelector('.trackmap .leaflet-pane')) res.push('track map not drawn');
        if (hasL && first._tcShow) {
          var ti = D.enc[+first.getAttribute('data-i')];
          first._tcShow((ti.start_unix + ti.end_unix) / 2);
          if (first.querySelectorAll('.trackmap .leaflet-overlay-pane path, .trackmap canvas').length === 0) res.push('no playback layer');
        }
      }
      if (hasL && !document.querySelector('#map .leaflet-control-scale')) res.push('no scale bar');
      if (shown.length) { /* the slider finds a kept candidate under way at its middle */
        var ec = D.enc[shown[0]];
        setCursor((ec.start_unix + ec.end_unix) / 2);
        if (!/ [1-9][0-9]* under way$/.test($('t-label').textContent)) res.push('timeline: ' + $('t-label').textContent);
        setCursor(tmin);
      }
      if (hasL && shown.length) { /* a rectangle dragged round a kept candidate keeps it */
        var saved = area, i0 = shown[0], e0 = D.enc[i0], want = 0, box;
        $('f-area-draw').click();
        map.fire('mousedown', { latlng: L.latLng(e0.mean_lat - 0.01, e0.mean_lon - 0.01) });
        map.fire('mousemove', { latlng: L.latLng(e0.mean_lat, e0.mean_lon) });
        map.fire('mouseup', { latlng: L.latLng(e0.mean_lat + 0.01, e0.mean_lon + 0.01) });
        box = area;
        var s0 = state();
        D.enc.forEach(function (e) { if (keep(e, s0)) want++; });
        if (!box || !inArea(e0, box) || !isShown[i0] || shown.length !== want) res.push('drawn area: ' + box + ', ' + shown.length + ' shown');
        setArea(saved);
      }
      if (performance.getEntriesByType('resource').length)
        res.push('fetched ' + performance.getEntriesByType('resource').map(function (r) { return r.name; }).join(' '));
      document.querySelectorAll('[src],[href]').forEach(function (el) {
        var u = el.getAttribute('src') || el.getAttribute('href');
        if (/^(https?:)?\/\//.test(u)) res.push('external ' + u);
      });
    } catch (x) { res.push(String(x)); }
    document.body.setAttribute('data-selftest', res.length ? res.join('; ') : 'ok');
  }
  document.body.setAttribute('data-ev-shown', evShown());
  document.body.setAttribute('data-load-ms', String(Math.round(performance.now()))); /* since navigation began */
  document.body.setAttribute('data-ready', '1');
  flush();
})();

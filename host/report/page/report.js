/* Script of the HTML report (host/report/report_html.c writes the markup, report_data.c
 * the JSON in #tc-data). Everything runs offline: no request leaves the page.
 *
 * Test hooks: errors (window errors, console.error, Content-Security-Policy violations)
 * go to body[data-errors]; body[data-shown] holds the number of table rows the filters
 * keep. The URL hash sets filters (#q=..&score=lo..hi&flag=MH&type=tanker&from=YYYY-MM-DD
 * &to=YYYY-MM-DD&port=in|out&area=lat0,lon0,lat1,lon1), &export=csv|geojson puts that
 * export's text into #tc-export, and #selftest exercises the page and writes the result
 * to body[data-selftest]. */
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
  var map = null, markers = [];
  function openPanel(i) {
    var d = $('panel-' + i);
    if (!d) return null;
    d.open = true; initTrack(d); d.scrollIntoView({ block: 'nearest' });
    return d;
  }
  if (hasL) {
    map = L.map('map', { attributionControl: false, worldCopyJump: true, preferCanvas: true });
    coastLayer(map);
    var pts = [];
    D.enc.forEach(function (e, i) {
      var m = L.circleMarker([e.mean_lat, e.mean_lon],
        { radius: 6, color: '#222', weight: 1, fillColor: color(e.score), fillOpacity: 0.85 }).addTo(map);
      m.bindPopup('<b>' + esc(e.mmsi_a) + ' &ndash; ' + esc(e.mmsi_b) + '</b><br>' + esc(e.start) + ' to ' +
        esc(e.end) + '<br>score ' + e.score + '<br>' + esc(e.reasons));
      m.on('click', function () { openPanel(i); });
      markers.push(m); pts.push([e.mean_lat, e.mean_lon]);
    });
    if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.2), { maxZoom: 12 });
    else map.setView([20, 0], 2);
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
    markers.forEach(function (m) { m.bringToFront(); });
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

  /* ---- table: sorting ---- */
  var table = $('candidates'), ths = table.querySelectorAll('thead th'), rows = {};
  Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
    rows[r.getAttribute('data-i')] = r;
    var td = r.querySelector('td.evcell'), e = D.enc[+r.getAttribute('data-i')];
    if (td) td.innerHTML = (e.events || []).map(function (x) {
      return '<span class="ev ev-' + x.kind + (x.place ? ' atplace' : '') + '" title="' + esc(x.ref + (x.place ? ' at ' + x.place : '')) +
        '">' + esc(evLabel(x)) + '</span>';
    }).join(' ');
  });
  function sortBy(col, dir) {
    var tb = table.tBodies[0], rs = Array.prototype.slice.call(tb.rows);
    rs.sort(function (x, y) {
      var a = x.cells[col].getAttribute('data-v'), b = y.cells[col].getAttribute('data-v');
      var na = parseFloat(a), nb = parseFloat(b);
      var c = (!isNaN(na) && !isNaN(nb) && String(na) === a && String(nb) === b) ? na - nb : (a < b ? -1 : a > b ? 1 : 0);
      if (dir === 'desc') c = -c;
      return c || (+x.getAttribute('data-i')) - (+y.getAttribute('data-i'));
    });
    rs.forEach(function (r) { tb.appendChild(r); });
    ths.forEach(function (h) { h.classList.remove('asc', 'desc'); });
    ths[col].classList.add(dir);
  }
  ths.forEach(function (th, col) {
    th.addEventListener('click', function () { sortBy(col, th.classList.contains('desc') ? 'asc' : 'desc'); });
  });
  Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
    r.addEventListener('click', function () { openPanel(r.getAttribute('data-i')); });
  });

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
  /* Whether candidate e passes the filters s. */
  function keep(e, s) {
    if (s.q) {
      var hay = [e.mmsi_a, e.mmsi_b, e.name_a, e.name_b, e.imo_a || '', e.imo_b || '', e.callsign_a, e.callsign_b, e.id]
        .join(' ').toLowerCase();
      if (hay.indexOf(s.q) < 0) return false;
    }
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
  var shown = [], isShown = new Uint8Array(D.enc.length);
  function apply() {
    var s = state();
    shown = [];
    D.enc.forEach(function (e, i) {
      var k = keep(e, s);
      isShown[i] = k ? 1 : 0;
      if (k) shown.push(i);
      if (rows[i]) rows[i].classList.toggle('hidden', !k);
      if (markers[i]) {
        if (k && !map.hasLayer(markers[i])) markers[i].addTo(map);
        if (!k && map.hasLayer(markers[i])) map.removeLayer(markers[i]);
      }
    });
    $('f-count').textContent = shown.length + ' of ' + D.enc.length + ' shown';
    document.body.setAttribute('data-shown', String(shown.length));
    drawTimeline();
  }
  ['f-q', 'f-score-lo', 'f-score-hi', 'f-flag', 'f-type', 'f-from', 'f-to', 'f-port', 'f-ev'].forEach(function (id) {
    $(id).addEventListener('input', apply);
    $(id).addEventListener('change', apply);
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
  var cursor = tmin, tlX = null, tlCursor = null;
  function drawTimeline() {
    var svg = $('timeline'), W = svg.clientWidth || 1000, H = 90, pad = 8, ns = 'http://www.w3.org/2000/svg';
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var x = function (t) { return pad + (t - tmin) / (tmax - tmin || 1) * (W - 2 * pad); };
    var y = function (s) { return H - 16 - (s - smin) / (smax - smin) * (H - 26); };
    function el(tag, a, text) {
      var n = document.createElementNS(ns, tag);
      for (var k in a) n.setAttribute(k, a[k]);
      if (text) n.textContent = text;
      svg.appendChild(n); return n;
    }
    el('line', { class: 'axis', x1: pad, x2: W - pad, y1: H - 12, y2: H - 12 });
    for (var d = Math.ceil(tmin / 86400) * 86400; d <= tmax; d += 86400) {
      el('line', { class: 'axis', x1: x(d), x2: x(d), y1: H - 12, y2: H - 8 });
      el('text', { x: x(d) + 2, y: H - 1 }, iso(d).slice(0, 10));
    }
    D.enc.forEach(function (e, i) {
      var r = el('line', {
        class: 'cand' + (isShown[i] ? '' : ' out'), stroke: color(e.score), 'data-i': i,
        x1: x(e.start_unix), x2: Math.max(x(e.end_unix), x(e.start_unix) + 2), y1: y(e.score), y2: y(e.score)
      });
      r.addEventListener('click', function () { openPanel(i); });
    });
    tlX = x;
    tlCursor = el('line', { class: 'cursor', x1: x(cursor), x2: x(cursor), y1: 0, y2: H - 12 });
  }
  /* The slider's time: candidates under way then (within an hour) stand out on the map. */
  function setCursor(t) {
    cursor = t;
    var active = 0;
    D.enc.forEach(function (e, i) {
      var on = e.start_unix - 3600 <= t && t <= e.end_unix + 3600;
      if (on && isShown[i]) active++;
      if (markers[i]) markers[i].setStyle({ radius: on ? 10 : 6, weight: on ? 3 : 1 });
    });
    $('t-label').textContent = iso(t) + ' UTC, ' + active + ' under way';
    if (tlCursor) { tlCursor.setAttribute('x1', tlX(t)); tlCursor.setAttribute('x2', tlX(t)); } /* bars stay */
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
  window.addEventListener('resize', drawTimeline);

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
        return { type: 'Feature', geometry: { type: 'Point', coordinates: [e.mean_lon, e.mean_lat] }, properties: e };
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
  setArea(area && area.length === 4 && area.every(isFinite) ? area : null);
  setCursor(tmin);
  if (hash.export === 'csv' || hash.export === 'geojson') $('tc-export').textContent = exportText(hash.export);

  /* ---- #selftest ---- */
  if ('selftest' in hash) {
    var res = [];
    try {
      var sc = Array.prototype.findIndex.call(ths, function (h) { return h.getAttribute('data-key') === 'score'; });
      sortBy(sc, 'desc');
      var v = Array.prototype.map.call(table.tBodies[0].rows, function (r) { return parseFloat(r.cells[sc].getAttribute('data-v')); });
      var rs = table.tBodies[0].rows;
      for (var k = 1; k < v.length; k++) {
        if (v[k] > v[k - 1]) res.push('not sorted by score at row ' + k);
        if (v[k] === v[k - 1] && +rs[k].getAttribute('data-i') < +rs[k - 1].getAttribute('data-i')) res.push('tie out of order at row ' + k);
      }
      var first = document.querySelector('details.enc');
      if (first) {
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
  document.body.setAttribute('data-ready', '1');
  flush();
})();

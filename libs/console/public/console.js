// The map console: the public API with the user's key, mapbox-gl 1.13 (BSD, draws without a token),
// one GeoJSON source per layer updated in place (thousands of vehicles, not thousands of markers).
import { localTime, language, setLanguage, t } from './i18n.js';

/* global mapboxgl */
const STATE_COLOURS = {
  loaded_on_route: '#1a9641',
  loaded_off_route: '#d7191c',
  empty: '#878787',
  signal_lost: '#7b3294',
};
const RISK_COLOURS = { red: '#d7191c', orange: '#fd8d3c', yellow: '#fecc5c', blue: '#2c7bb6', grey: '#9e9e9e' };
const LAYERS = {
  vehicles: ['vehicles'],
  routes: ['routes-corridor', 'routes-line'],
  zones: ['zones-fill', 'zones-hatch', 'zones-outline'],
  facilities: ['facilities'],
  violations: ['violations'],
};
const EMPTY = { type: 'FeatureCollection', features: [] };

const app = { key: sessionStorage.getItem('hc.key'), map: null, denied: new Set(), data: {} };
window.hcConsole = app; // for the browser test and for curious operators

function translate() {
  document.querySelectorAll('[data-t]').forEach((el) => (el.textContent = t(el.dataset.t)));
  document.getElementById('lang').textContent = t('language');
  document.title = t('title');
  document.documentElement.lang = language() === 'en' ? 'en' : 'zh-CN';
  document.getElementById('legend').innerHTML = Object.entries(STATE_COLOURS)
    .map(([state, colour]) => `<div><span style="background:${colour}"></span>${t(state)}</div>`)
    .join('');
}

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${app.key}`, 'content-type': 'application/json', ...options.headers },
  });
  if (res.status === 401) {
    signOut();
    throw new Error('unauthorised');
  }
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    const err = new Error(problem.detail ?? `${res.status}`);
    err.status = res.status;
    throw err;
  }
  return res.status === 204 ? null : res.json();
}

/** Reads a layer's data; a 403 turns the layer off with a notice instead of failing the console. */
async function load(layer, path) {
  try {
    return await api(path);
  } catch (err) {
    if (err.status === 403 || err.status === 404) {
      app.denied.add(layer);
      const box = document.querySelector(`[data-layer="${layer}"]`);
      if (box) box.disabled = true;
      document.getElementById('notices').textContent = `${t('notAllowed')}: ${[...app.denied].map(t).join('、')}`;
      return null;
    }
    throw err;
  }
}

const escape = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function baseStyle(config) {
  const sources = {};
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } }];
  if (config.tileUrl) {
    sources.base = { type: 'raster', tiles: [config.tileUrl], tileSize: 256, attribution: config.attribution ?? '' };
    layers.push({ id: 'base', type: 'raster', source: 'base' });
  }
  return { version: 8, sources, layers };
}

/** Diagonal hatching for zones in force now. */
function hatchImage() {
  const size = 16;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = (x + y) % 8 < 2;
      data.set(on ? [200, 40, 40, 200] : [0, 0, 0, 0], (y * size + x) * 4);
    }
  return { width: size, height: size, data };
}

function addLayers(map) {
  for (const id of ['routes', 'zones', 'facilities', 'vehicles', 'violations'])
    map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addImage('hatch', hatchImage());
  // The corridor to scale: half-width in metres → pixels at this zoom and latitude (~31.5°N).
  const metresPerPixelAtZ0 = 156543.03 * Math.cos((31.5 * Math.PI) / 180);
  map.addLayer({
    id: 'routes-corridor',
    type: 'line',
    source: 'routes',
    paint: {
      'line-color': '#2b83ba',
      'line-opacity': 0.25,
      'line-width': [
        'interpolate',
        ['exponential', 2],
        ['zoom'],
        0,
        ['/', ['*', 2, ['get', 'halfWidthM']], metresPerPixelAtZ0],
        22,
        ['/', ['*', 2, ['get', 'halfWidthM']], metresPerPixelAtZ0 / 2 ** 22],
      ],
    },
  });
  map.addLayer({
    id: 'routes-line',
    type: 'line',
    source: 'routes',
    paint: { 'line-color': '#2b83ba', 'line-width': 1.5 },
  });
  map.addLayer({
    id: 'zones-fill',
    type: 'fill',
    source: 'zones',
    paint: { 'fill-color': '#d7191c', 'fill-opacity': 0.08 },
  });
  map.addLayer({
    id: 'zones-hatch',
    type: 'fill',
    source: 'zones',
    filter: ['==', ['get', 'activeNow'], true],
    paint: { 'fill-pattern': 'hatch' },
  });
  map.addLayer({
    id: 'zones-outline',
    type: 'line',
    source: 'zones',
    paint: { 'line-color': '#d7191c', 'line-width': 1.5 },
  });
  map.addLayer({
    id: 'facilities',
    type: 'circle',
    source: 'facilities',
    paint: {
      'circle-radius': 8,
      'circle-color': ['match', ['get', 'colour'], ...Object.entries(RISK_COLOURS).flat(), '#9e9e9e'],
      'circle-stroke-color': '#333',
      'circle-stroke-width': ['case', ['get', 'flagged'], 3, 1],
    },
  });
  map.addLayer({
    id: 'violations',
    type: 'circle',
    source: 'violations',
    paint: {
      'circle-radius': 11,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#d7191c',
      'circle-stroke-width': 3,
    },
  });
  map.addLayer({
    id: 'vehicles',
    type: 'circle',
    source: 'vehicles',
    paint: {
      'circle-radius': 6,
      'circle-color': ['match', ['get', 'state'], ...Object.entries(STATE_COLOURS).flat(), '#878787'],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
    },
  });
}

/** Puts data in its layer's one source (updated in place) and keeps it for framing. */
function show(id, data) {
  app.data[id] = data;
  app.map.getSource(id).setData(data);
}

const pointFeature = (id, lon, lat, properties) => ({
  type: 'Feature',
  id,
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties,
});

async function refreshFences() {
  const [routes, zones, risk] = await Promise.all([
    load('routes', '/v1/routes/export?status=approved'),
    load('zones', '/v1/zones/export?status=approved'),
    load('facilities', '/v1/risk-map'),
  ]);
  if (routes) show('routes', routes);
  if (zones) show('zones', zones);
  if (risk) show('facilities', risk);
}

async function refreshVehicles() {
  const positions = await load('vehicles', '/v1/vehicles/positions?limit=10000');
  if (!positions) return;
  show('vehicles', {
    type: 'FeatureCollection',
    features: positions.map((p) =>
      pointFeature(p.vehicleId, p.lon, p.lat, {
        vehicleId: p.vehicleId,
        state: p.state,
        ts: p.ts,
        speedKmh: p.speedKmh,
      }),
    ),
  });
  app.vehiclesAt = Date.now();
}

async function refreshViolations() {
  const page = await load('violations', '/v1/violations?status=open&limit=500');
  if (!page) return;
  show('violations', {
    type: 'FeatureCollection',
    features: page.items
      .filter((v) => v.worstPoint ?? v.firstPoint)
      .map((v) => {
        const p = v.worstPoint ?? v.firstPoint;
        return pointFeature(v.id, p.lon, p.lat, {
          violationId: v.id,
          vehicleId: v.vehicleId,
          rule: v.rule,
          severity: v.severity,
          openedAt: v.openedAt,
        });
      }),
  });
  app.violationsAt = Date.now();
}

/** The exchange's live stream read with fetch (EventSource cannot send the key); violations and waybills refresh at once. */
async function follow() {
  const status = document.getElementById('status');
  for (;;) {
    try {
      const headers = { authorization: `Bearer ${app.key}`, accept: 'text/event-stream' };
      if (app.lastEventId) headers['last-event-id'] = app.lastEventId;
      const res = await fetch('/v1/exchange/stream?types=violation.*,waybill.*', { headers });
      if (res.status === 403) {
        status.textContent = `${t('notAllowed')}: SSE`;
        return;
      }
      status.textContent = `● ${t('live')}`;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (id) app.lastEventId = id;
          if (/^event: violation\./m.test(block)) await Promise.all([refreshViolations(), refreshVehicles()]);
        }
      }
    } catch {
      // fall through to the retry
    }
    status.textContent = t('offline');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function vehiclePopup(feature) {
  const vehicleId = feature.properties.vehicleId;
  const now = new Date();
  const [waybills, track, violations, cards] = await Promise.all([
    api(`/v1/waybills?vehicleId=${vehicleId}&limit=5`).catch(() => null),
    api(`/v1/vehicles/${vehicleId}/track?from=${new Date(now - 3600_000).toISOString()}&to=${now.toISOString()}`).catch(
      () => null,
    ),
    api(`/v1/violations?vehicleId=${vehicleId}&status=open`).catch(() => null),
    // Who is driving: the card in the reader (JT/T 808 0x0702), as this key may read crew.
    api(`/v1/vehicles/${vehicleId}/driver-cards?limit=1`).catch(() => null),
  ]);
  const card = cards?.[0];
  const onBoard = !card
    ? '—'
    : card.status !== 'inserted' || !card.qualificationNumber
      ? t('noCard')
      : `${escape(card.name ?? '')} ${escape(card.qualificationNumber)}${card.onWaybill === false ? ` (${t('notOnWaybill')})` : ''}`;
  const active = waybills?.items?.find((w) => ['submitted', 'loaded', 'in_transit', 'arrived'].includes(w.status));
  showTrack(track);
  // Names and crew as this key may see them (the registry masks id numbers and phones).
  const read = (path) => (path ? api(path).catch(() => null) : Promise.resolve(null));
  const c = active?.content ?? {};
  const [consignor, consignee, driver, escort] = await Promise.all([
    read(active && `/v1/enterprises/${active.parties.consignorId}`),
    read(active && `/v1/enterprises/${active.parties.consigneeId}`),
    read(c.driverId && `/v1/personnel/${c.driverId}`),
    read(c.escortId && `/v1/personnel/${c.escortId}`),
  ]);
  const crew = (p) => (p ? `${escape(p.name ?? '')} ${escape(p.idNumber ?? '')} ${escape(p.phone ?? '')}` : '—');
  const html = `<strong>${t(feature.properties.state)}</strong> · ${localTime(feature.properties.ts)}<br/>
    ${
      active
        ? `<b>${t('waybill')}</b> ${escape(active.number)} (${escape(active.status)})<br/>
         ${(c.items ?? []).map((i) => `UN${escape(i.unNumber)} ${escape(i.properShippingName)} ${escape(i.quantityKg)} kg`).join('<br/>')}<br/>
         ${t('consignor')}: ${escape(consignor?.name ?? active.parties.consignorId)} → ${t('consignee')}: ${escape(consignee?.name ?? active.parties.consigneeId)}<br/>
         ${t('driver')}: ${crew(driver)}<br/>${t('escort')}: ${crew(escort)}`
        : t('noWaybill')
    }
    <br/>${t('onBoard')}: <span class="on-board">${onBoard}</span>
    <br/><b>${t('openViolations')}</b>: ${(violations?.items ?? []).map((v) => escape(v.rule)).join('、') || '—'}
    <form class="driver-text"><label>${t('textToDriver')}<br/><input name="content" maxlength="400" required /></label>
      <button>${t('send')}</button> <span class="command-state"></span></form>`;
  const popup = new mapboxgl.Popup().setLngLat(feature.geometry.coordinates).setHTML(html).addTo(app.map);
  wireDriverText(popup.getElement().querySelector('.driver-text'), vehicleId);
}

/**
 * A text message to the driver (JT/T 808 0x8300, read aloud and shown): police and transport keys
 * may send one; the answer of the terminal is shown as it comes (the command's state).
 */
function wireDriverText(form, vehicleId) {
  const state = form.querySelector('.command-state');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const content = String(new FormData(form).get('content') ?? '').trim();
    if (!content) return;
    try {
      let command = await api(`/v1/vehicles/${vehicleId}/terminal-commands`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'text', text: { content, tts: true, display: true } }),
      });
      state.textContent = `${t('commandState')}: ${command.state}`;
      for (let i = 0; i < 60 && ['queued', 'sent'].includes(command.state); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        command = await api(`/v1/terminal-commands/${command.id}`);
        state.textContent = `${t('commandState')}: ${command.state}`;
      }
    } catch (err) {
      state.textContent = err.message;
    }
  });
}

function showTrack(track) {
  if (!app.map.getSource('track')) {
    app.map.addSource('track', { type: 'geojson', data: EMPTY });
    app.map.addLayer(
      {
        id: 'track',
        type: 'line',
        source: 'track',
        paint: { 'line-color': '#333', 'line-width': 2, 'line-dasharray': [2, 1] },
      },
      'vehicles',
    );
  }
  app.map.getSource('track').setData(track?.geometry ? track : EMPTY);
}

async function violationPopup(feature) {
  const v = await api(`/v1/violations/${feature.properties.violationId}`);
  const from = new Date(Date.parse(v.openedAt) - 600_000).toISOString();
  const to = new Date(Date.parse(v.closedAt ?? new Date().toISOString()) + 600_000).toISOString();
  showTrack(await api(`/v1/vehicles/${v.vehicleId}/track?from=${from}&to=${to}`).catch(() => null));
  const acked = (v.acknowledgements ?? []).map((a) => escape(a.agency)).join('、');
  const popup = new mapboxgl.Popup()
    .setLngLat(feature.geometry.coordinates)
    .setHTML(
      `<strong>${escape(v.rule)}</strong> (${escape(v.severity)})<br/>${t('at')}: ${localTime(v.openedAt)}<br/>
       ${t('firstPoint')}: ${v.firstPoint ? `${v.firstPoint.lon.toFixed(5)}, ${v.firstPoint.lat.toFixed(5)}` : ''}<br/>
       ${t('worstPoint')}: ${v.worstPoint ? `${v.worstPoint.lon.toFixed(5)}, ${v.worstPoint.lat.toFixed(5)}` : ''}<br/>
       ${acked ? `${t('acknowledged')}: ${acked}<br/>` : ''}
       <button id="ack" data-id="${escape(v.id)}">${t('acknowledge')}</button>`,
    )
    .addTo(app.map);
  popup
    .getElement()
    .querySelector('#ack')
    .addEventListener('click', async (e) => {
      const button = e.currentTarget;
      await api(`/v1/violations/${button.dataset.id}/acknowledge`, {
        method: 'POST',
        body: JSON.stringify({ note: 'console' }),
      });
      button.textContent = t('acknowledged');
      button.disabled = true;
    });
}

function wireEditor() {
  document.getElementById('fence-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const out = document.getElementById('fence-result');
    try {
      const kind = form.get('kind');
      const geometry = JSON.parse(String(form.get('geometry')));
      const body = { name: form.get('name'), geometry: geometry.type === 'Feature' ? geometry.geometry : geometry };
      if (kind === 'routes') {
        Object.assign(body, {
          halfWidthM: Number(form.get('halfWidthM')),
          hazardClasses: String(form.get('hazardClasses'))
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          validFrom: new Date().toISOString().slice(0, 10),
          validTo: `${new Date().getUTCFullYear() + 1}-12-31`,
        });
      } else body.kind = 'ban';
      const created = await api(`/v1/${kind}?crs=${form.get('crs')}`, { method: 'POST', body: JSON.stringify(body) });
      out.innerHTML = `${t('saved')} <button type="button" id="approve">${t('approve')}</button>`;
      document.getElementById('approve').addEventListener('click', async () => {
        await api(`/v1/${kind}/${created.id}/approve`, { method: 'POST' });
        out.textContent = t('approve');
        await refreshFences();
      });
    } catch (err) {
      out.textContent = String(err.message);
    }
  });
}

/** Frames what was loaded (routes, zones, facilities, vehicles) once, at start. */
function fitToData(map) {
  const bounds = new mapboxgl.LngLatBounds();
  const visit = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(visit));
  for (const id of ['routes', 'zones', 'facilities', 'vehicles'])
    for (const f of app.data[id]?.features ?? []) if (f.geometry) visit(f.geometry.coordinates);
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 80, maxZoom: 15, duration: 0 });
}

function signOut() {
  sessionStorage.removeItem('hc.key');
  location.reload();
}

async function start() {
  translate();
  document.getElementById('lang').addEventListener('click', () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    translate();
  });
  document.getElementById('signout').addEventListener('click', signOut);
  if (!app.key) {
    document.getElementById('login').hidden = false;
    document.getElementById('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem('hc.key', document.getElementById('key').value.trim());
      location.reload();
    });
    return;
  }
  document.getElementById('panel').hidden = false;
  const config = await (await fetch('/console/config.json')).json();
  mapboxgl.workerUrl = 'vendor/mapbox-gl-csp-worker.js';
  const map = new mapboxgl.Map({
    container: 'map',
    style: baseStyle(config),
    center: config.center ?? [120.3, 31.57],
    zoom: config.zoom ?? 10,
    attributionControl: Boolean(config.tileUrl),
    preserveDrawingBuffer: true,
  });
  app.map = map;
  map.addControl(new mapboxgl.NavigationControl(), 'top-right');
  map.addControl(new mapboxgl.ScaleControl(), 'bottom-right');
  await new Promise((r) => map.on('load', r));
  addLayers(map);
  document.querySelectorAll('[data-layer]').forEach((box) =>
    box.addEventListener('change', () => {
      for (const id of LAYERS[box.dataset.layer])
        map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
    }),
  );
  map.on('click', 'vehicles', (e) => vehiclePopup(e.features[0]));
  map.on('click', 'violations', (e) => violationPopup(e.features[0]));
  for (const id of ['vehicles', 'violations', 'facilities'])
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
  wireEditor();
  await Promise.all([refreshFences(), refreshVehicles(), refreshViolations()]);
  fitToData(map);
  await new Promise((r) => (map.loaded() ? r() : map.once('idle', r)));
  app.ready = true;
  // Positions are the latest fixes, not published events: read every 2 s (one source, updated in place).
  setInterval(() => void refreshVehicles().catch(() => undefined), 2000);
  setInterval(() => void refreshFences().catch(() => undefined), 60_000);
  void follow();
}

void start();

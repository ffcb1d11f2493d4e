// The operations console's screens. Each takes <main>, the context (the
// session, navigate, flash, rerender) and the match of its address.

import { call, query } from './api.js';
import { field, grams, h, money, select, statusBadge, svg, when } from './dom.js';
import { errorText, has, t } from './i18n.js';
import { timeline } from './track.js';

const statuses = ['created', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'received', 'delivery_failed',
  'exception', 'returning', 'returned', 'cancelled'];
const scanTypes = ['pickup', 'arrive', 'depart', 'out_for_delivery', 'delivery_attempt', 'deliver', 'exception', 'return', 'returned'];
const staff = (s) => s.role !== 'customer';

// errorBox is where a screen says what went wrong, in words.
const errorBox = () => h('p', { class: 'error', role: 'alert' });
const showError = (box, err) => { box.textContent = errorText(err); };

const loading = () => h('p', { class: 'muted' }, t('loading'));

let stationCache = null;
async function stations(fresh = false) {
  if (!stationCache || fresh) stationCache = call('GET', '/v1/stations').then((d) => d.stations).catch((e) => { stationCache = null; throw e; });
  return stationCache;
}
const stationOptions = (list, empty) => [...(empty ? [['', empty]] : []), ...list.map((s) => [s.code, s.code + ' · ' + s.name])];

// --- shipment list ----------------------------------------------------

const cursors = []; // cursors of the pages before the current one

export async function listScreen(main, { session, navigate }) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const filters = ['status', 'station', 'customer_id', 'created_from', 'created_to'];
  const form = h('form', { class: 'filters', 'aria-label': t('list.filter'), onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    cursors.length = 0;
    navigate('/#/shipments' + (q.size ? '?' + q : ''));
  } },
  field(t('list.status'), select('status', [['', t('list.any')], ...statuses.map((s) => [s, t('status.' + s)])], params.get('status') || '')),
  staff(session) ? field(t('list.station'), h('input', { name: 'station', value: params.get('station') || '', size: 8 })) : null,
  staff(session) ? field(t('list.customer'), h('input', { name: 'customer_id', value: params.get('customer_id') || '', size: 10 })) : null,
  field(t('list.from'), h('input', { type: 'date', name: 'created_from', value: params.get('created_from') || '' })),
  field(t('list.to'), h('input', { type: 'date', name: 'created_to', value: params.get('created_to') || '' })),
  h('button', { type: 'submit' }, t('list.apply')));
  const box = errorBox();
  const body = h('div', {}, loading());
  main.replaceChildren(h('h1', {}, t('list.heading')), form, box, body);

  const q = { limit: params.get('limit') || 20, cursor: params.get('cursor') || '' };
  for (const f of filters) q[f] = params.get(f) || '';
  // Dates are local days; the API takes RFC 3339 instants.
  if (q.created_from) q.created_from = new Date(q.created_from + 'T00:00:00').toISOString();
  if (q.created_to) q.created_to = new Date(new Date(q.created_to + 'T00:00:00').getTime() + 86400000).toISOString();
  try {
    const page = await call('GET', '/v1/shipments' + query(q));
    body.replaceChildren(shipmentTable(page.shipments), pager(params, page.next_cursor, navigate));
  } catch (err) {
    body.replaceChildren();
    showError(box, err);
  }
}

function shipmentTable(list) {
  if (!list.length) return h('p', { class: 'muted' }, t('list.none'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'shipments' },
    h('thead', {}, h('tr', {}, [t('waybill'), t('list.status'), t('list.route'), t('fee'), t('list.created')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((s) => h('tr', {},
      h('td', {}, h('a', { href: '/#/shipments/' + s.waybill }, s.waybill)),
      h('td', {}, statusBadge(s.status)),
      h('td', {}, s.origin_station + ' → ' + s.destination_station),
      h('td', { class: 'num' }, money(s.fee)),
      h('td', {}, h('time', { datetime: s.created_at }, when(s.created_at))))))));
}

function pager(params, next, navigate) {
  const go = (cursor) => {
    const q = new URLSearchParams(params);
    if (cursor) q.set('cursor', cursor);
    else q.delete('cursor');
    navigate('/#/shipments' + (q.size ? '?' + q : ''));
  };
  const here = params.get('cursor') || '';
  return h('nav', { class: 'pager', 'aria-label': 'pages' },
    cursors.length || here ? h('button', { type: 'button', onclick: () => go(cursors.pop() || '') }, t('list.prev')) : null,
    next ? h('button', { type: 'button', onclick: () => { cursors.push(here); go(next); } }, t('list.next')) : null);
}

// --- one shipment -----------------------------------------------------

export async function detailScreen(main, ctx, match) {
  const { session } = ctx;
  const wb = match[1];
  const box = errorBox();
  main.replaceChildren(h('h1', {}, wb), box, loading());
  let sh;
  try {
    sh = await call('GET', '/v1/shipments/' + encodeURIComponent(wb));
  } catch (err) {
    main.replaceChildren(h('h1', {}, wb), box);
    showError(box, err);
    return;
  }
  const images = h('div', { class: 'images' }, loading());
  const actions = h('div', { class: 'actions' });
  main.replaceChildren(
    h('div', { class: 'headline' }, h('h1', {}, sh.waybill), statusBadge(sh.status)),
    box,
    h('div', { class: 'grid' },
      party(t('detail.sender'), sh.sender), party(t('detail.receiver'), sh.receiver),
      h('section', { class: 'card' }, h('h2', {}, t('fee')),
        h('dl', { class: 'facts' },
          h('dt', {}, t('fee')), h('dd', { class: 'fee' }, money(sh.fee)),
          h('dt', {}, t('detail.chargeable')), h('dd', {}, grams(sh.chargeable_weight_g)),
          h('dt', {}, t('detail.service')), h('dd', {}, t('service.' + sh.service_level)),
          h('dt', {}, t('list.route')), h('dd', {}, sh.origin_station + ' → ' + sh.destination_station),
          h('dt', {}, t('detail.customer')), h('dd', {}, sh.customer_id),
          h('dt', {}, t('list.created')), h('dd', {}, when(sh.created_at))))),
    h('section', { class: 'card' }, h('h2', {}, t('detail.items')), itemTable(sh.items)),
    actions,
    h('section', { class: 'card' }, h('h2', {}, t('timeline')), timeline(sh.timeline.map((e) => ({ ...e, where: e.station, photo: e.source === 'image' })))),
    h('section', { class: 'card' }, h('h2', {}, t('detail.images')), images));
  if (staff(session)) actions.append(scanForm(sh, ctx, box));
  if ((session.role === 'customer' || session.role === 'admin') && sh.status === 'delivered') {
    actions.append(h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      e.target.disabled = true;
      try {
        await call('POST', '/v1/shipments/' + sh.waybill + '/receipt', {});
        ctx.flash(t('detail.receipt.done'));
        ctx.rerender();
      } catch (err) {
        e.target.disabled = false;
        showError(box, err);
      }
    } }, t('detail.receipt')));
  }
  call('GET', '/v1/shipments/' + sh.waybill + '/images').then(
    (d) => images.replaceChildren(imageList(d.images)),
    (err) => images.replaceChildren(h('p', { class: 'error' }, errorText(err))));
}

function party(title, p) {
  const a = p.address || {};
  return h('section', { class: 'card' }, h('h2', {}, title),
    h('p', {}, h('strong', {}, p.name), ' ', p.phone),
    h('p', {}, [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ')));
}

function itemTable(items) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, [t('detail.item'), t('detail.qty'), t('detail.weight'), t('detail.value')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((i) => h('tr', {}, h('td', {}, i.name), h('td', { class: 'num' }, i.quantity),
      h('td', { class: 'num' }, grams(i.weight_g)), h('td', { class: 'num' }, money(i.declared_value)))))));
}

function imageList(list) {
  if (!list.length) return h('p', { class: 'muted' }, t('detail.noimages'));
  return h('ul', { class: 'thumbs' }, list.map((img) => {
    const label = t('image.' + img.kind);
    const flag = img.status === 'needs_review' ? 'review' : img.status;
    return h('li', { class: 'thumb ' + flag },
      img.thumbnail_url || img.url
        ? h('a', { href: img.url || img.thumbnail_url, target: '_blank', rel: 'noopener' },
          h('img', { src: img.thumbnail_url || img.url, alt: label, loading: 'lazy', width: 160, height: 120 }))
        : h('div', { class: 'noimg' }, label),
      h('div', {}, h('strong', {}, label), ' ',
        h('span', { class: 'badge image-' + flag }, t('detail.' + flag)),
        img.reason ? h('div', { class: 'muted' }, has('reason.' + img.reason) ? t('reason.' + img.reason) : img.reason) : null,
        h('div', { class: 'muted' }, when(img.created_at))));
  }));
}

function scanForm(sh, ctx, box) {
  const { session } = ctx;
  const type = select('type', scanTypes.map((s) => [s, t('scan.' + s)]), 'pickup');
  const reason = h('input', { name: 'incident_reason', maxlength: 100 });
  const reasonField = field(t('scan.reason'), reason);
  const needsReason = () => { reasonField.hidden = !['exception', 'delivery_attempt'].includes(type.value); };
  type.addEventListener('change', needsReason);
  needsReason();
  const station = session.role === 'admin'
    ? select('station', [[sh.origin_station, sh.origin_station], [sh.destination_station, sh.destination_station]], sh.origin_station)
    : h('input', { name: 'station', value: session.station, readonly: true });
  if (session.role === 'admin') {
    stations().then((list) => {
      const was = station.value;
      station.replaceChildren(...stationOptions(list).map(([v, l]) => h('option', { value: v }, l)));
      station.value = was;
    }).catch(() => {});
  }
  const note = h('input', { name: 'note', maxlength: 500 });
  const button = h('button', { type: 'submit', class: 'primary' }, t('scan.submit'));
  return h('form', { class: 'card scan', onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    const body = { type: type.value, station: station.value };
    if (!reasonField.hidden && reason.value.trim()) body.incident_reason = reason.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    try {
      const res = await call('POST', '/v1/shipments/' + sh.waybill + '/scans', body);
      ctx.flash(t('scan.' + res.outcome));
      ctx.rerender();
    } catch (err) {
      button.disabled = false;
      showError(box, err);
      box.scrollIntoView({ block: 'nearest' });
    }
  } },
  h('h2', {}, t('scan.heading')),
  h('div', { class: 'row' }, field(t('scan.type'), type), field(t('scan.station'), station), reasonField, field(t('scan.note'), note), button));
}

// --- new shipment -----------------------------------------------------

export async function newScreen(main, ctx) {
  const { session } = ctx;
  const box = errorBox();
  let list = [];
  try {
    list = await stations();
  } catch (err) {
    showError(box, err);
  }
  const input = (name, attrs = {}) => h('input', { name, ...attrs });
  const partyFields = (who) => h('fieldset', {}, h('legend', {}, t('new.' + who)),
    h('div', { class: 'row' },
      field(t('new.name'), input(who + '.name', { required: true, maxlength: 100, autocomplete: 'name' })),
      field(t('new.phone'), input(who + '.phone', { required: true, type: 'tel', autocomplete: 'tel' }))),
    h('div', { class: 'row' },
      field(t('new.province'), input(who + '.province', { required: true })),
      field(t('new.city'), input(who + '.city', { required: true })),
      field(t('new.district'), input(who + '.district'))),
    field(t('new.detail'), input(who + '.detail', { required: true, maxlength: 200 })));
  const items = h('div', { class: 'items' });
  const addItem = () => {
    const row = h('div', { class: 'row item' },
      field(t('new.itemname'), input('name', { required: true, maxlength: 100 })),
      field(t('new.qty'), input('quantity', { type: 'number', min: 1, value: 1, required: true })),
      field(t('new.weight'), input('weight_g', { type: 'number', min: 1, required: true })),
      field(t('new.length'), input('length_mm', { type: 'number', min: 0 })),
      field(t('new.width'), input('width_mm', { type: 'number', min: 0 })),
      field(t('new.height'), input('height_mm', { type: 'number', min: 0 })),
      field(t('new.value'), input('declared_value', { inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]{1,2})?' })),
      h('button', { type: 'button', class: 'link', onclick: () => { if (items.children.length > 1) { row.remove(); requote(); } } }, t('new.remove')));
    items.append(row);
  };
  addItem();
  const quoteBox = h('output', { class: 'quote', 'aria-live': 'polite' }, t('new.quote.none'));
  const opts = stationOptions(list, '—');
  const form = h('form', { class: 'card', novalidate: false },
    session.role !== 'customer' ? field(t('new.customer'), input('customer_id', { required: true, maxlength: 64 })) : null,
    partyFields('sender'), partyFields('receiver'),
    h('fieldset', {}, h('legend', {}, t('new.service')), h('div', { class: 'row' },
      field(t('new.origin'), select('origin_station', opts, session.station || '', { required: true })),
      field(t('new.destination'), select('destination_station', opts, '', { required: true })),
      field(t('new.service'), select('service_level', [['standard', t('service.standard')], ['express', t('service.express')]], 'standard')))),
    h('fieldset', {}, h('legend', {}, t('new.items')), items,
      h('button', { type: 'button', onclick: () => { addItem(); } }, t('new.additem'))),
    h('div', { class: 'quote-row' }, h('span', {}, t('new.quote') + ': '), quoteBox),
    box,
    h('button', { type: 'submit', class: 'primary' }, t('new.submit')));
  const value = (name) => form.elements.namedItem(name)?.value.trim() ?? '';
  const parcels = (full) => [...items.querySelectorAll('.item')].map((row) => {
    const v = (n) => row.querySelector(`[name="${n}"]`).value.trim();
    const it = { quantity: Number(v('quantity')), weight_g: Number(v('weight_g')) };
    for (const d of ['length_mm', 'width_mm', 'height_mm']) if (v(d)) it[d] = Number(v(d));
    if (full) {
      it.name = v('name');
      if (v('declared_value')) it.declared_value = { amount: v('declared_value') };
    }
    return it;
  });
  let timer = null;
  let seq = 0;
  const requote = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = { origin_station: value('origin_station'), destination_station: value('destination_station'),
        service_level: value('service_level'), items: parcels(false) };
      if (!body.origin_station || !body.destination_station || body.items.some((i) => !(i.quantity >= 1 && i.weight_g >= 1))) {
        quoteBox.textContent = t('new.quote.none');
        return;
      }
      const mine = ++seq;
      try {
        const q = await call('POST', '/v1/quotes', body);
        if (mine !== seq) return;
        quoteBox.replaceChildren(h('strong', { class: 'fee' }, money(q.fee)), ' ',
          t('new.quote.detail', { zone: t('zone.' + q.zone), weight: grams(q.chargeable_weight_g) }));
      } catch (err) {
        if (mine === seq) quoteBox.textContent = errorText(err);
      }
    }, 250);
  };
  form.addEventListener('input', requote);
  form.addEventListener('change', requote);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.textContent = '';
    const party = (who) => ({ name: value(who + '.name'), phone: value(who + '.phone'), address: {
      province: value(who + '.province'), city: value(who + '.city'), district: value(who + '.district') || undefined,
      detail: value(who + '.detail') } });
    const body = { sender: party('sender'), receiver: party('receiver'), origin_station: value('origin_station'),
      destination_station: value('destination_station'), service_level: value('service_level'), items: parcels(true) };
    if (session.role !== 'customer') body.customer_id = value('customer_id');
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const sh = await call('POST', '/v1/shipments', body);
      ctx.flash(t('new.created', { waybill: sh.waybill }));
      cursors.length = 0;
      ctx.navigate('/#/shipments');
    } catch (err) {
      button.disabled = false;
      showError(box, err);
      box.scrollIntoView({ block: 'nearest' });
    }
  });
  main.replaceChildren(h('h1', {}, t('new.heading')), form);
  requote();
}

// --- stations ----------------------------------------------------------

export async function stationsScreen(main, ctx) {
  const box = errorBox();
  const admin = ctx.session.role === 'admin';
  main.replaceChildren(h('h1', {}, t('stations.heading')), box, loading());
  let list;
  try {
    list = await stations(true);
  } catch (err) {
    main.lastChild.remove();
    showError(box, err);
    return;
  }
  const form = admin ? stationForm(ctx, box) : null;
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, [t('stations.code'), t('stations.name'), t('stations.kind'), t('stations.region'), t('stations.address'),
      t('stations.tz'), t('stations.parent'), admin ? '' : null].filter((c) => c !== null).map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((s) => h('tr', {},
      h('td', {}, s.code), h('td', {}, s.name), h('td', {}, t('kind.' + s.kind)), h('td', {}, s.region),
      h('td', {}, [s.address.province, s.address.city, s.address.district].filter(Boolean).join(' ')),
      h('td', {}, s.time_zone), h('td', {}, s.parent || ''),
      admin ? h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => form.fill(s) }, t('stations.edit'))) : null)))));
  main.replaceChildren(h('h1', {}, t('stations.heading')), box, table, form);
}

function stationForm(ctx, box) {
  const input = (name, attrs = {}) => h('input', { name, ...attrs });
  const form = h('form', { class: 'card' }, h('h2', {}, t('stations.put')),
    h('div', { class: 'row' },
      field(t('stations.code'), input('code', { required: true, pattern: '[A-Za-z0-9_-]{1,32}', size: 10 })),
      field(t('stations.name'), input('name', { required: true, maxlength: 100 })),
      field(t('stations.kind'), select('kind', ['hub', 'transit_centre', 'outlet'].map((k) => [k, t('kind.' + k)]), 'outlet')),
      field(t('stations.region'), input('region', { required: true })),
      field(t('stations.tz'), input('time_zone', { required: true, value: 'Asia/Shanghai' })),
      field(t('stations.parent'), input('parent', { size: 10 }))),
    h('div', { class: 'row' },
      field(t('new.province'), input('province', { required: true })), field(t('new.city'), input('city', { required: true })),
      field(t('new.district'), input('district')), field(t('new.detail'), input('detail'))),
    h('button', { type: 'submit', class: 'primary' }, t('stations.save')));
  const el = (n) => form.elements.namedItem(n);
  form.fill = (s) => {
    for (const n of ['code', 'name', 'kind', 'region', 'time_zone']) el(n).value = s[n] || '';
    el('parent').value = s.parent || '';
    for (const n of ['province', 'city', 'district', 'detail']) el(n).value = s.address[n] || '';
    el('name').focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (n) => el(n).value.trim();
    const body = { name: v('name'), kind: v('kind'), region: v('region'), time_zone: v('time_zone'),
      address: { province: v('province'), city: v('city') } };
    if (v('district')) body.address.district = v('district');
    if (v('detail')) body.address.detail = v('detail');
    if (v('parent')) body.parent = v('parent');
    try {
      await call('PUT', '/v1/stations/' + encodeURIComponent(v('code')), body);
      stationCache = null;
      ctx.flash(t('stations.saved', { code: v('code') }));
      ctx.rerender();
    } catch (err) {
      showError(box, err);
      box.scrollIntoView({ block: 'nearest' });
    }
  });
  return form;
}

// --- daily report -------------------------------------------------------

export async function reportScreen(main, ctx) {
  const { session, navigate } = ctx;
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const box = errorBox();
  let list = [];
  try {
    list = await stations();
  } catch (err) {
    showError(box, err);
  }
  const station = params.get('station') || session.station || list[0]?.code || '';
  const today = new Date().toLocaleDateString('sv');
  const date = params.get('date') || today;
  const form = h('form', { class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    navigate('/#/reports?' + new URLSearchParams(new FormData(form)));
  } },
  field(t('report.station'), session.role === 'admin' ? select('station', stationOptions(list), station)
    : h('input', { name: 'station', value: station, readonly: true })),
  field(t('report.date'), h('input', { type: 'date', name: 'date', value: date, max: today })),
  h('button', { type: 'submit' }, t('report.show')));
  const body = h('div', {}, loading());
  main.replaceChildren(h('h1', {}, t('report.heading')), form, box, body);
  try {
    const r = await call('GET', '/v1/reports/daily' + query({ station, date }));
    body.replaceChildren(reportView(r));
  } catch (err) {
    body.replaceChildren();
    showError(box, err);
  }
}

function reportView(r) {
  const pct = r.on_time_rate == null ? '—' : Math.round(r.on_time_rate * 100) + '%';
  const avg = r.avg_pickup_to_delivery_hours == null ? '—' : t('report.hours', { n: r.avg_pickup_to_delivery_hours.toFixed(1) });
  const tile = (label, v) => h('div', { class: 'tile' }, h('span', {}, label), h('strong', {}, String(v)));
  return h('section', { class: 'card' },
    h('h2', {}, r.station + ' · ' + r.date + ' (' + r.time_zone + ')'),
    h('div', { class: 'tiles' }, tile(t('report.created'), r.created), tile(t('report.picked'), r.picked_up),
      tile(t('report.delivered'), r.delivered), tile(t('report.ontime'), pct), tile(t('report.avg'), avg),
      tile(t('report.exceptions'), r.open_exceptions)),
    h('h3', {}, t('report.chart')), barChart(statuses.map((s) => [t('status.' + s), r.status_counts[s] || 0, s])));
}

// barChart draws horizontal bars as inline SVG, labelled for screen readers.
function barChart(rows) {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const rowH = 24;
  const labelW = 120;
  const width = 480;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowH}`, class: 'chart', role: 'img',
    'aria-label': rows.map((r) => r[0] + ' ' + r[1]).join(', ') });
  rows.forEach(([label, n, key], i) => {
    const y = i * rowH;
    const w = Math.round((n / max) * (width - labelW - 40));
    chart.append(
      svg('text', { x: labelW - 8, y: y + 16, 'text-anchor': 'end', class: 'chart-label' }, label),
      svg('rect', { x: labelW, y: y + 4, width: Math.max(w, n ? 2 : 0), height: rowH - 8, rx: 3, class: 'bar status-' + key }),
      svg('text', { x: labelW + w + 6, y: y + 16, class: 'chart-value' }, String(n)));
  });
  return chart;
}

// --- webhooks -----------------------------------------------------------

const eventTypes = ['shipment.status_changed', 'shipment.exception', 'image.needs_review'];

export async function webhooksScreen(main, ctx) {
  const box = errorBox();
  const secret = h('div', {});
  main.replaceChildren(h('h1', {}, t('webhooks.heading')), box, loading());
  let list;
  try {
    list = (await call('GET', '/v1/webhooks')).webhooks;
  } catch (err) {
    main.lastChild.remove();
    showError(box, err);
    return;
  }
  const act = async (method, path, done) => {
    try {
      const res = await call(method, path, method === 'POST' ? {} : undefined);
      done?.(res);
    } catch (err) {
      showError(box, err);
    }
  };
  const rows = list.length ? h('ul', { class: 'hooks' }, list.map((w) => h('li', { class: 'card' },
    h('div', { class: 'headline' }, h('code', {}, w.url),
      h('span', { class: 'badge ' + (w.enabled ? 'ok' : 'off') }, t(w.enabled ? 'webhooks.enabled' : 'webhooks.disabled'))),
    w.description ? h('p', {}, w.description) : null,
    h('p', { class: 'muted' }, w.event_types.join(', '), ' · ', t('webhooks.failures'), ': ', String(w.consecutive_failures),
      w.disabled_reason ? ' · ' + w.disabled_reason : ''),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => act('POST', '/v1/webhooks/' + w.id + '/rotate-secret', (r) => { secretBox(secret, r.secret); }) }, t('webhooks.rotate')),
      w.enabled ? null : h('button', { type: 'button', onclick: () => act('POST', '/v1/webhooks/' + w.id + '/enable', () => ctx.rerender()) }, t('webhooks.enable')),
      h('button', { type: 'button', class: 'danger', onclick: () => {
        if (confirm(t('webhooks.confirm'))) act('DELETE', '/v1/webhooks/' + w.id, () => { ctx.flash(t('webhooks.deleted')); ctx.rerender(); });
      } }, t('webhooks.delete')))))) : h('p', { class: 'muted' }, t('webhooks.none'));
  const url = h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://', maxlength: 2048 });
  const desc = h('input', { name: 'description', maxlength: 200 });
  const types = h('fieldset', {}, h('legend', {}, t('webhooks.types')), eventTypes.map((et) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'event_types', value: et, checked: et === 'shipment.status_changed' }), ' ', et)));
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const body = { url: url.value.trim(), event_types: [...form.querySelectorAll('input[name=event_types]:checked')].map((c) => c.value) };
    if (desc.value.trim()) body.description = desc.value.trim();
    try {
      const res = await call('POST', '/v1/webhooks', body);
      await webhooksScreen(main, ctx);
      secretBox(main.querySelector('.secret-slot'), res.secret);
    } catch (err) {
      showError(box, err);
    }
  } },
  h('h2', {}, t('webhooks.add')), field(t('webhooks.url'), url), types, field(t('webhooks.desc'), desc),
  h('button', { type: 'submit', class: 'primary' }, t('webhooks.add')));
  secret.className = 'secret-slot';
  main.replaceChildren(h('h1', {}, t('webhooks.heading')), box, secret, rows, form);
}

function secretBox(slot, value) {
  slot.replaceChildren(h('div', { class: 'flash ok', role: 'status' }, t('webhooks.secret'), ' ', h('code', {}, value)));
}

// The public tracking page: no token, a redacted view of one shipment.

import { call, query } from './api.js';
import { field, h, placeText, statusBadge, when } from './dom.js';
import { errorText, t } from './i18n.js';
import { parseWaybill } from './waybill.js';

// trackPath is the shareable address of a waybill.
export function trackPath(waybill, tenant) {
  return '/track/' + encodeURIComponent(waybill) + query({ tenant });
}

// renderTrack shows the form and, when waybill is given, its shipment.
export function renderTrack(main, { waybill = '', tenant = '', navigate }) {
  const input = h('input', { name: 'waybill', value: waybill, placeholder: t('track.placeholder'), autocomplete: 'off',
    spellcheck: false, inputmode: 'text', required: true, 'aria-describedby': 'track-error' });
  const tenantInput = h('input', { name: 'tenant', value: tenant, autocomplete: 'organization' });
  const tenantField = field(t('track.tenant'), tenantInput);
  tenantField.hidden = !tenant;
  const error = h('p', { id: 'track-error', class: 'error', role: 'alert' });
  const result = h('div', { class: 'track-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card track-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const p = parseWaybill(input.value);
    if (p.error) {
      error.textContent = t('track.invalid.' + p.error);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    navigate(trackPath(p.waybill, tenantInput.value.trim()));
  } },
  h('h1', {}, t('track.heading')),
  h('div', { class: 'row' }, field(t('track.label'), input), tenantField,
    h('button', { type: 'submit', class: 'primary' }, t('track.submit'))),
  error);
  main.replaceChildren(form, result);
  if (!waybill) {
    input.focus();
    return;
  }
  const p = parseWaybill(waybill);
  if (p.error) {
    error.textContent = t('track.invalid.' + p.error);
    input.setAttribute('aria-invalid', 'true');
    return;
  }
  result.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  call('GET', '/v1/tracking/' + p.waybill + query({ tenant }), undefined, { auth: false }).then(
    (view) => result.replaceChildren(trackView(view, tenant)),
    (err) => {
      const needsTenant = err.details?.some((d) => d.field === 'tenant');
      result.replaceChildren();
      error.textContent = needsTenant ? t('err.tenant_required') : errorText(err);
      if (needsTenant) {
        tenantField.hidden = false;
        tenantInput.focus();
      }
    });
}

function trackView(v, tenant) {
  const link = location.origin + trackPath(v.waybill, tenant);
  return h('section', { class: 'card', 'aria-labelledby': 'track-title' },
    h('div', { class: 'headline' },
      h('h2', { id: 'track-title' }, v.waybill), statusBadge(v.status)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('track.from')), h('dd', {}, placeText(v.origin) || '—'),
      h('dt', {}, t('track.to')), h('dd', {}, placeText(v.destination) || '—'),
      h('dt', {}, t('track.service')), h('dd', {}, t('service.' + v.service_level))),
    h('h3', {}, t('timeline')),
    timeline(v.timeline.map((e) => ({ ...e, where: placeText(e.place) }))),
    h('p', { class: 'share' }, t('track.share') + ': ', h('a', { href: link, class: 'share-link' }, link)));
}

// timeline renders events newest first: status, scan, place, local time
// and whether a photo backs the event.
export function timeline(events) {
  if (!events.length) return h('p', { class: 'muted' }, t('track.empty'));
  const sorted = [...events].sort((a, b) => new Date(b.occurred_at) - new Date(a.occurred_at));
  return h('ol', { class: 'timeline' }, sorted.map((e, i) =>
    h('li', { class: i === 0 ? 'latest' : '' },
      h('time', { datetime: e.occurred_at }, when(e.occurred_at)),
      h('div', { class: 'what' },
        h('strong', {}, e.type ? t('scan.' + e.type) : t('status.' + e.status)),
        e.type && t('scan.' + e.type) !== t('status.' + e.status) ? h('span', { class: 'muted' }, ' · ' + t('status.' + e.status)) : null,
        e.where ? h('span', { class: 'place' }, ' · ' + e.where) : null,
        e.photo ? h('span', { class: 'photo', title: t('track.photo') }, ' 📷 ' + t('track.photo')) : null,
        e.incident_reason ? h('div', { class: 'muted' }, e.incident_reason) : null,
        e.note ? h('div', { class: 'muted' }, e.note) : null))));
}

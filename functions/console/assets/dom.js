// Small DOM and formatting helpers.

import { lang, t } from './i18n.js';

// h creates an element: h('a', {href: '#'}, 'text', child ...). Attributes
// starting with "on" become listeners; false, null and undefined are left
// out, as are null children. Text is always set as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// svg creates an SVG element.
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  append(el, children);
  return el;
}

// field is a labelled form control.
export function field(label, control, hint) {
  const id = control.id || (control.id = 'f-' + Math.random().toString(36).slice(2, 9));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

// select builds a <select> of [value, label] pairs.
export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');

// when formats a UTC RFC 3339 time in the browser's time zone.
export function when(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

// money formats {amount, currency}; the amount stays the exact decimal string.
export function money(m) {
  if (!m) return '';
  return (m.currency === 'CNY' ? '¥' : m.currency + ' ') + m.amount;
}

// grams formats a weight.
export function grams(g) {
  return g >= 1000 ? (g / 1000).toLocaleString(locale(), { maximumFractionDigits: 2 }) + ' kg' : g + ' g';
}

export const statusBadge = (s) => h('span', { class: 'badge status-' + s }, t('status.' + s));

// place says where a station is: its city, with the code for staff.
export function placeText(p) {
  if (!p) return '';
  return p.province && p.province !== p.city ? p.province + ' ' + p.city : p.city || '';
}

// logifn's web console: the public tracking page and, with a token, the
// operations console. Plain ES modules, no framework: each screen renders
// into <main> from the current address.

import { call, decodeClaims, session, signIn, signOut } from './api.js';
import { detailScreen, listScreen, newScreen, reportScreen, stationsScreen, webhooksScreen } from './console.js';
import { field, h } from './dom.js';
import { errorText, lang, setLang, t } from './i18n.js';
import { renderTrack } from './track.js';

const main = document.getElementById('main');
const header = document.getElementById('header');

// navigate moves to a same-origin address without reloading the page.
export function navigate(to) {
  history.pushState(null, '', to);
  render();
}

// flash shows a short message above the screen until the next one.
let pending = null;
export function flash(text, kind = 'ok') {
  pending = { text, kind };
}

const screens = [
  { hash: /^#\/signin$/, show: signInScreen },
  { hash: /^#\/shipments\/([A-Za-z0-9]+)$/, show: detailScreen, auth: true },
  { hash: /^#\/shipments(\?.*)?$/, show: listScreen, auth: true },
  { hash: /^#\/new$/, show: newScreen, auth: true, roles: ['customer', 'operator', 'admin'] },
  { hash: /^#\/stations$/, show: stationsScreen, auth: true },
  { hash: /^#\/reports(\?.*)?$/, show: reportScreen, auth: true, roles: ['operator', 'admin'] },
  { hash: /^#\/webhooks$/, show: webhooksScreen, auth: true, roles: ['admin'] },
];

function render() {
  document.title = t('app.title');
  let s = session();
  if (s && s.exp && s.exp * 1000 < Date.now()) {
    signOut();
    s = null;
    flash(t('signin.expired'), 'error');
  }
  renderHeader(s);
  const ctx = { session: s, navigate, flash, rerender: render };
  const notice = pending && h('p', { class: 'flash ' + pending.kind, role: pending.kind === 'error' ? 'alert' : 'status' }, pending.text);
  pending = null;
  const mine = ++renders;
  const into = view(mine);
  const track = location.pathname.match(/^\/track\/([^/]+)$/);
  const params = new URLSearchParams(location.search);
  const hash = location.hash;
  let shown;
  if (track || hash.startsWith('#/track/') || !hash || hash === '#/') {
    const wb = track ? decodeURIComponent(track[1]) : hash.slice('#/track/'.length);
    shown = renderTrack(into, { waybill: wb, tenant: params.get('tenant') || '', navigate });
  } else {
    const screen = screens.find((x) => x.hash.test(hash));
    if (!screen) {
      navigate('/');
      return;
    }
    if (screen.auth && !s) {
      shown = signInScreen(into, ctx);
    } else if (screen.roles && !screen.roles.includes(s.role)) {
      main.replaceChildren(h('p', { class: 'flash error', role: 'alert' }, t('err.forbidden')));
    } else {
      shown = screen.show(into, ctx, hash.match(screen.hash));
    }
  }
  markCurrent();
  // Screens that load data draw again once it comes: the notice goes on
  // top of what they drew last.
  Promise.resolve(shown).finally(() => {
    if (notice && mine === renders) main.prepend(notice);
  });
}

let renders = 0;

// view returns what the render numbered mine draws into: <main> while it
// is the latest render, and a detached stand-in once a newer one has
// begun, so that a screen whose data comes late cannot draw over the
// screen that followed it.
function view(mine) {
  const stale = document.createElement('main');
  const target = () => (mine === renders ? main : stale);
  return new Proxy(main, {
    get(_, prop) {
      const el = target();
      const v = Reflect.get(el, prop, el);
      return typeof v === 'function' ? v.bind(el) : v;
    },
    set(_, prop, value) {
      const el = target();
      return Reflect.set(el, prop, value, el);
    },
  });
}

function renderHeader(s) {
  const link = (href, key) => h('a', { href }, t(key));
  const nav = [link('/', 'nav.track')];
  if (s) {
    nav.push(link('/#/shipments', 'nav.shipments'));
    if (s.role !== 'courier') nav.push(link('/#/new', 'nav.new'));
    nav.push(link('/#/stations', 'nav.stations'));
    if (s.role === 'operator' || s.role === 'admin') nav.push(link('/#/reports', 'nav.reports'));
    if (s.role === 'admin') nav.push(link('/#/webhooks', 'nav.webhooks'));
  }
  const who = s ? h('span', { class: 'who' }, t('signin.as', { who: t('role.' + s.role) + ' · ' + s.subject + (s.station ? ' @ ' + s.station : '') })) : null;
  header.replaceChildren(
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('nav.skip')),
    h('a', { class: 'brand', href: '/' }, 'logifn'),
    h('nav', { 'aria-label': 'main' }, nav),
    h('div', { class: 'tools' }, who,
      s ? h('button', { type: 'button', onclick: () => { signOut(); navigate('/'); } }, t('nav.signout'))
        : h('a', { class: 'button', href: '/#/signin' }, t('nav.signin')),
      h('button', { type: 'button', class: 'lang', lang: lang() === 'zh' ? 'en' : 'zh', onclick: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); render(); } },
        t('lang.switch'))));
}

function markCurrent() {
  const here = location.pathname + location.hash;
  for (const a of header.querySelectorAll('nav a')) {
    const target = a.getAttribute('href');
    const current = target === '/' ? (here === '/' || here.startsWith('/track/') || here === '/#/') : here.startsWith(target);
    if (current) a.setAttribute('aria-current', 'page');
  }
}

function signInScreen(main, { navigate }) {
  const input = h('textarea', { name: 'token', rows: 3, required: true, autocomplete: 'off', spellcheck: false, 'aria-describedby': 'signin-error' });
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' });
  const done = (tok) => {
    const c = decodeClaims(tok);
    if (!c) {
      error.textContent = t('signin.bad');
      input.focus();
      return;
    }
    signIn(tok);
    navigate('/#/shipments');
  };
  const demo = h('div', { class: 'demo', hidden: true });
  main.replaceChildren(h('section', { class: 'card narrow' },
    h('h1', {}, t('signin.heading')),
    demo,
    h('form', { onsubmit: (e) => { e.preventDefault(); done(input.value); } },
      field(t('signin.token'), input), error,
      h('button', { type: 'submit', class: 'primary' }, t('signin.submit')))));
  // The local platform hands out its demo tokens; elsewhere this is a 404
  // and the buttons stay hidden.
  call('GET', '/_local/demo-tokens', undefined, { auth: false }).then((d) => {
    if (!d?.users?.length) return;
    demo.replaceChildren(h('h2', {}, t('signin.demo')), h('div', { class: 'roles' }, d.users.map((u) =>
      h('button', { type: 'button', class: 'role', 'data-role': u.role, onclick: () => done(u.token) },
        t('role.' + u.role), h('small', {}, u.subject + (u.station ? ' @ ' + u.station : ''))))));
    demo.hidden = false;
  }, () => {});
  input.focus();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/v1/') || url.pathname.startsWith('/_')) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});
window.addEventListener('popstate', render);
window.addEventListener('hashchange', render);
window.addEventListener('logifn:error', (e) => flash(errorText(e.detail), 'error'));
setLang(lang(), false);
render();

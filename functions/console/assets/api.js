// The API client: every call goes to logifn's public HTTP API on this
// origin, with the signed-in token. Errors become ApiError values that
// keep the API's code, message and field details.

export class ApiError extends Error {
  constructor(status, body, network = false) {
    const e = body?.error || {};
    super(e.message || (network ? 'network error' : 'HTTP ' + status));
    this.status = status;
    this.code = e.code || (network ? 'network' : 'http_' + status);
    this.details = e.details || [];
    this.requestId = body?.request_id || '';
    this.network = network;
  }
}

let token = sessionStorage.getItem('logifn.token') || '';

// session returns the signed-in principal from the token's claims, or null.
export function session() {
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims) return null;
  return { token, tenant: claims.tid, subject: claims.sub, role: claims.role, station: claims.stn || '', exp: claims.exp };
}

// decodeClaims reads a JWT's payload without checking it: the server does
// that on every call. It returns null for anything that is not a JWT.
export function decodeClaims(tok) {
  const parts = String(tok).trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const c = JSON.parse(new TextDecoder().decode(bytes));
    return c && typeof c.role === 'string' && typeof c.tid === 'string' ? c : null;
  } catch {
    return null;
  }
}

export function signIn(tok) {
  token = String(tok).trim();
  sessionStorage.setItem('logifn.token', token);
}

export function signOut() {
  token = '';
  sessionStorage.removeItem('logifn.token');
}

// call performs one API request and returns the decoded JSON body.
// Mutating calls carry an Idempotency-Key, so a retry by the browser or
// the user cannot create twice.
export async function call(method, path, body, { auth = true, idempotencyKey } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth && token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['Idempotency-Key'] = idempotencyKey || crypto.randomUUID();
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null, true);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// query builds ?a=b&... from the non-empty values of params.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

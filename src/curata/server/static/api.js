// The JSON API client of the workbench: every call goes through api(); errors name their field.

export class ApiError extends Error {
  constructor(message, field, status) {
    super(field ? `${field}: ${message}` : message);
    this.field = field || null;
    this.reason = message;
    this.status = status;
  }
}

export function token() {
  return localStorage.getItem("curata-token") || "";
}

function headers(json) {
  const h = {};
  if (token()) h["Authorization"] = "Bearer " + token();
  if (json) h["Content-Type"] = "application/json";
  return h;
}

export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  if (!response.ok || !payload || !payload.success) {
    const err = (payload && payload.error) || {};
    throw new ApiError(err.message || (payload && payload.message) || response.statusText,
      err.field, response.status);
  }
  return payload.data;
}

// Thumbnails and files: plain URLs (cached by the browser, immutable) unless the server needs
// a token, when they are fetched with it into a bounded set of blob URLs.
const blobs = new Map();
const MAX_BLOBS = 600;

export async function blobUrl(path) {
  if (blobs.has(path)) return blobs.get(path);
  const response = await fetch(path, { headers: headers(false) });
  if (!response.ok) return null;
  const url = URL.createObjectURL(await response.blob());
  blobs.set(path, url);
  if (blobs.size > MAX_BLOBS) {
    const [oldest, old] = blobs.entries().next().value;
    blobs.delete(oldest);
    URL.revokeObjectURL(old);
  }
  return url;
}

export function forgetBlobs() {
  for (const url of blobs.values()) URL.revokeObjectURL(url);
  blobs.clear();
}

export async function mediaUrl(path) {
  return token() ? blobUrl(path) : path;
}

export function thumbPath(hash, size) {
  return `/assets/${hash}/thumbnail?size=${size}`;
}

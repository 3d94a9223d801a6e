// Shared by the three pages: tokens, JSON calls, live streams and safe DOM building.
//
// Tokens live in this tab's sessionStorage (never a cookie, never a URL), so no request carries a credential
// the page did not add itself: a cross-site form or link cannot act as the signed-in user (no CSRF).

const TOKEN_KEY = (kind) => `bankdesk.token.${kind}`;

export function getToken(kind) {
  return sessionStorage.getItem(TOKEN_KEY(kind));
}

export function setToken(kind, token) {
  sessionStorage.setItem(TOKEN_KEY(kind), token);
}

export function clearToken(kind) {
  sessionStorage.removeItem(TOKEN_KEY(kind));
}

export class ApiError extends Error {
  constructor(status, title, detail, body) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title || `HTTP ${status}`;
    this.detail = detail || "";
    this.body = body;
  }
}

function authHeaders(kind, headers = {}) {
  const out = { Accept: "application/json", ...headers };
  const token = kind ? getToken(kind) : null;
  if (token) out.Authorization = `Bearer ${token}`;
  return out;
}

// Call the JSON API; resolves to the parsed body (or null for 204), throws ApiError for problem+json.
export async function api(path, { method = "GET", body, kind, headers = {}, signal } = {}) {
  const init = { method, headers: authHeaders(kind, headers), signal, credentials: "omit" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const problem = data && typeof data === "object" ? data : {};
    throw new ApiError(response.status, problem.title, problem.detail, problem);
  }
  return data;
}

// Download an API response as a file (exports), with the bearer token.
export async function download(path, { kind, filename } = {}) {
  const response = await fetch(path, { headers: authHeaders(kind, { Accept: "*/*" }), credentials: "omit" });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem.title, problem.detail, problem);
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename || "export";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// Parse one SSE block ("id: 3\nevent: message\ndata: {...}") into {id, event, data}.
function parseBlock(block) {
  const ev = { id: null, event: "message", data: "" };
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") ev.id = value;
    else if (field === "event") ev.event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length && ev.id === null) return null;
  ev.data = data.join("\n");
  return ev;
}

// A live stream read with fetch (EventSource cannot send the Authorization header). Reconnects with
// backoff and sends Last-Event-ID, so the server resumes after the last event this page saw.
// onEvent({id, event, data}) gets data already JSON-parsed when it is JSON; onState("open" | "retrying" |
// "closed" | "denied") tells the page how the connection is doing.
export function openStream(path, { kind, onEvent, onState = () => {}, lastEventId = null } = {}) {
  let lastId = lastEventId;
  let controller = null;
  let closed = false;
  let delay = 500;

  async function connect() {
    while (!closed) {
      controller = new AbortController();
      const headers = authHeaders(kind, { Accept: "text/event-stream" });
      if (lastId !== null) headers["Last-Event-ID"] = lastId;
      try {
        const response = await fetch(path, { headers, signal: controller.signal, credentials: "omit", cache: "no-store" });
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          onState("denied", response.status);
          closed = true;
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState("open");
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");
          let cut;
          while ((cut = buffer.indexOf("\n\n")) !== -1) {
            const ev = parseBlock(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            if (!ev) continue;
            if (ev.id !== null && ev.id !== "") lastId = ev.id;
            try { ev.data = JSON.parse(ev.data); } catch { /* plain text data stays a string */ }
            onEvent(ev);
          }
        }
      } catch (error) {
        if (closed) return;
      }
      if (closed) return;
      onState("retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  connect();
  return {
    close() {
      closed = true;
      if (controller) controller.abort();
      onState("closed");
    },
    get lastEventId() {
      return lastId;
    },
    // Drop the connection now and reconnect (with Last-Event-ID), e.g. after the network came back.
    reconnect() {
      if (controller) controller.abort();
    },
  };
}

// Build DOM safely: attributes set as properties/attributes, children strings become text nodes. Never
// pass untrusted data as an attribute name; event handlers go through addEventListener, not attributes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Format integer minor units as money (GBP by default).
export function money(minor, currency = "GBP") {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(minor / 100);
}

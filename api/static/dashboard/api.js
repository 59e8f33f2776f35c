// GraphQL over HTTP (POST /graphql, bearer token) and over WebSocket (graphql-transport-ws).

const TOKEN_KEY = "govgraph.token";

/** The endpoint, relative to the page (/dashboard/ → /graphql), so a path prefix works. */
export const endpoint = new URL("../graphql", document.baseURI);

/** The bearer token: `?token=` (moved into sessionStorage and removed from the address bar). */
export function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token !== null) {
    setToken(token);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url);
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  const value = (token || "").trim().replace(/^bearer\s+/i, "");
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The server refused the credentials (HTTP 401/403, or an UNAUTHENTICATED error). */
export class AuthError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "AuthError";
    this.status = status;
  }
}

/** Top-level GraphQL errors (a bad query, a server fault): not the payload `errors` of a mutation. */
export class GraphQLRequestError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join("；") || `HTTP ${status}`);
    this.name = "GraphQLRequestError";
    this.errors = errors;
    this.status = status;
  }
}

const AUTH_CODES = new Set(["UNAUTHENTICATED", "UNAUTHORIZED", "FORBIDDEN"]);

/** Runs one query; resolves to `data`, rejects with AuthError or GraphQLRequestError. */
export async function graphql(query, variables = {}, { signal } = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(endpoint, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    signal,
    credentials: "omit",
  });
  const { body, text } = await readBody(response);
  const errors = (body && body.errors) || [];
  if (errors.some((e) => AUTH_CODES.has(e.extensions && e.extensions.code))) {
    throw new AuthError(errors[0].message, response.status);
  }
  if (!response.ok || !body || errors.length) {
    throw new GraphQLRequestError(
      errors.length ? errors : [{ message: messageOf(body, text) || `HTTP ${response.status}` }],
      response.status,
    );
  }
  return body.data;
}

/** A download under /export/ (authenticated like /graphql): resolves to a Blob, rejects with
 * AuthError or GraphQLRequestError (the export's JSON error body). */
export async function download(path, params) {
  const url = new URL(`../export/${path}`, document.baseURI);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return fetchBlob(url);
}

/** An evidence file (EvidenceFile.url, e.g. /files/{id}), with the page's credentials: the
 * server path is taken relative to the page's parent, so a path prefix works. */
export async function downloadFile(path) {
  return fetchBlob(new URL(`..${path.startsWith("/") ? path : `/${path}`}`, document.baseURI));
}

async function fetchBlob(url) {
  const headers = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { headers, credentials: "omit" });
  if (response.ok) return response.blob();
  const { body, text } = await readBody(response);
  const errors = (body && body.errors) || [{ message: messageOf(body, text) || `HTTP ${response.status}` }];
  throw new GraphQLRequestError(errors, response.status);
}

/** Saves a Blob under `name` (a temporary object URL and a download link). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** A response's text and its JSON (null when it is not JSON); AuthError on 401/403. */
async function readBody(response) {
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(messageOf(body, text) || `HTTP ${response.status}`, response.status);
  }
  return { body, text };
}

function messageOf(body, text) {
  if (body && Array.isArray(body.errors) && body.errors.length) return body.errors[0].message;
  if (body && typeof body.detail === "string") return body.detail;
  if (body && typeof body.message === "string") return body.message;
  return (text || "").slice(0, 200);
}

const PROTOCOL = "graphql-transport-ws";
const decoder = new TextDecoder();

/**
 * One subscription over graphql-transport-ws, kept alive with reconnects.
 * onData(data) for every `next`; onState(mode, detail) with mode "live" | "down" | "refused".
 * Never throws: the caller polls while the mode is not "live".
 */
export class Subscription {
  constructor(query, variables, { onData, onState, ackTimeoutMs = 5000 }) {
    this.query = query;
    this.variables = variables;
    this.onData = onData;
    this.onState = onState;
    this.ackTimeoutMs = ackTimeoutMs;
    this.socket = null;
    this.closed = false;
    this.retryMs = 2000;
    this.retryTimer = null;
    this.lastError = null;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const url = new URL(endpoint);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(url, PROTOCOL);
    } catch (error) {
      this.down(`无法建立 WebSocket 连接：${error.message}`);
      return;
    }
    this.socket = socket;
    // The protocol sends JSON text; accept binary frames too (some servers send UTF-8 bytes).
    socket.binaryType = "arraybuffer";
    let acked = false;
    const ackTimer = setTimeout(() => {
      if (!acked) socket.close(4408, "connection_ack timeout");
    }, this.ackTimeoutMs);
    socket.onopen = () => {
      if (socket.protocol !== PROTOCOL) {
        socket.close(4406, "subprotocol not accepted");
        return;
      }
      const token = getToken();
      socket.send(
        JSON.stringify({
          type: "connection_init",
          payload: token ? { Authorization: `Bearer ${token}` } : {},
        }),
      );
    };
    socket.onmessage = (event) => {
      let message;
      try {
        const text = typeof event.data === "string" ? event.data : decoder.decode(event.data);
        message = JSON.parse(text);
      } catch {
        return;
      }
      switch (message.type) {
        case "connection_ack":
          acked = true;
          clearTimeout(ackTimer);
          socket.send(
            JSON.stringify({
              id: "1",
              type: "subscribe",
              payload: { query: this.query, variables: this.variables },
            }),
          );
          this.retryMs = 2000;
          this.onState("live");
          break;
        case "next":
          if (message.payload && message.payload.data) this.onData(message.payload.data);
          else if (message.payload && message.payload.errors) this.fail(message.payload.errors);
          break;
        case "error":
          this.fail(message.payload);
          break;
        case "complete":
          this.lastError = "服务器结束了订阅";
          socket.close(1000);
          break;
        case "ping":
          socket.send(JSON.stringify({ type: "pong" }));
          break;
        default:
          break;
      }
    };
    socket.onclose = (event) => {
      clearTimeout(ackTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      if (event.code === 4403 || event.code === 4401) {
        this.onState("refused", "实时推送拒绝了当前令牌");
        return; // no retry until the token changes (the page then starts a new Subscription)
      }
      const detail = this.lastError || (acked ? "实时推送连接已断开" : "服务器未提供实时推送");
      this.lastError = null;
      this.down(detail);
    };
  }

  fail(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    this.lastError = `订阅出错：${list.map((e) => (e && e.message) || String(e)).join("；")}`;
    // A query the server rejects will not start working by reconnecting soon: back off long.
    this.retryMs = 60000;
    if (this.socket) this.socket.close(1000);
  }

  down(detail) {
    this.onState("down", detail);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 60000);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ id: "1", type: "complete" }));
      }
      socket.close(1000);
    }
  }
}

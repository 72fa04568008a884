// The transcript's entries, and how bot messages of every source become one.
//
// Entry: { id, from: "user" | "bot", ts (ms), text, buttons?: [{title, payload}], image?,
//          status?: true (a notice about the doctor's request), state?: "pending" | "sending",
//          payload? (what a clicked button sends), file?: {name, size, purpose, state, detail},
//          notice?: {kind, title?, author?, file?: {name, size, mime, url}} (said from outside
//          the dialogue: a status change, the hand-off, an operator's message or file) }

export function newId() {
  const random = globalThis.crypto?.getRandomValues
    ? Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (b) =>
        b.toString(16).padStart(2, "0"),
      ).join("")
    : Math.random().toString(16).slice(2);
  return `${Date.now().toString(36)}-${random}`;
}

function buttonsOf(message) {
  const raw = message.quick_replies || message.buttons || [];
  return raw
    .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
    .map((b) => ({ title: b.title, payload: b.payload }));
}

function noticeOf(message) {
  const notice = message.notice || message.metadata?.notice;
  if (!notice || typeof notice !== "object" || typeof notice.kind !== "string") return undefined;
  const clean = { kind: notice.kind };
  for (const key of ["title", "author"]) if (typeof notice[key] === "string") clean[key] = notice[key];
  const file = notice.file;
  if (file && typeof file.url === "string" && file.url.startsWith("/api/conversations/")) {
    clean.file = { name: String(file.name || ""), size: Number(file.size) || 0, mime: String(file.mime || ""), url: file.url };
  }
  return clean;
}

/**
 * A bot entry from a socket.io `bot_uttered` payload or a REST/collector reply:
 * {text, quick_replies|buttons, attachment, image, custom}.
 */
export function botEntry(message, ts = Date.now()) {
  const msg = message && typeof message === "object" ? message : { text: String(message ?? "") };
  const custom = msg.custom && typeof msg.custom === "object" ? msg.custom : {};
  const text = msg.text ?? custom.text ?? "";
  const image =
    msg.image ||
    (msg.attachment?.type === "image" ? msg.attachment.payload?.src : undefined) ||
    undefined;
  const entry = { id: newId(), from: "bot", ts, text: String(text) };
  const buttons = buttonsOf(msg);
  if (buttons.length) entry.buttons = buttons;
  if (typeof image === "string") entry.image = image;
  const notice = noticeOf(msg);
  if (notice) entry.notice = notice;
  if (notice?.kind === "status_changed") entry.status = true;
  return entry;
}

/** True when a bot entry has nothing to show (e.g. an empty custom payload). */
export function isEmpty(entry) {
  return !entry.text && !entry.image && !entry.buttons && !entry.file && !entry.notice?.file;
}

/** An entry of the server's history (GET /widget/api/history/<session>). */
export function historyEntry(item) {
  const entry = { id: newId(), from: item.from, ts: Math.round(item.ts * 1000), text: item.text };
  if (item.buttons?.length) entry.buttons = item.buttons;
  if (item.image) entry.image = item.image;
  if (item.status) entry.status = true;
  const notice = noticeOf(item);
  if (notice) entry.notice = notice;
  if (item.file) entry.file = { name: "", size: 0, purpose: "", state: item.file, detail: [] };
  return entry;
}

// A local file card replaces the server's bare "file sent" entry within this window.
const FILE_MATCH_WINDOW_MS = 120_000;
const RECENT = 12;

/**
 * The server's history (authoritative) with what only this browser knows: file cards with
 * names, messages not yet acknowledged, and messages that arrived while the history loaded
 * (`since`: when the request started).
 */
export function mergeHistory(local, server, since) {
  const recent = server.slice(-RECENT).filter((s) => !s.file);
  const known = (e) => recent.some((s) => s.from === e.from && s.text === e.text && s.ts >= e.ts - FILE_MATCH_WINDOW_MS);
  const localFile = (e) => e.file && !e.file.state.startsWith("history");
  const sent = local.filter((e) => localFile(e) && e.file.state !== "failed");
  const notices = new Set(local.filter((e) => e.status).map((e) => e.text));
  const kept = server
    .filter((e) => !(e.file && sent.some((f) => Math.abs(f.ts - e.ts) < FILE_MATCH_WINDOW_MS)))
    .map((e) => (e.from === "bot" && notices.has(e.text) ? { ...e, status: true } : e));
  const extra = local.filter((e) => {
    if (e.file) return localFile(e);
    if (e.state) return !known(e);
    return e.ts >= since && !known(e);
  });
  return [...kept, ...extra].sort((a, b) => a.ts - b.ts);
}

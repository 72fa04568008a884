// The widget's options: attributes of its <script> tag (data-*), or window.InailChatConfig.
//
//   data-server-url    web process base URL (uploads, history, config); default: the script's origin
//   data-socket-url    Rasa socket.io server; default: what the web process's config says
//   data-socket-path   socket.io path; default /socket.io
//   data-title, data-subtitle            header texts
//   data-primary-color, data-accent-color CSS colours (header/user bubbles; send button/notices)
//   data-open          "true": start open (otherwise closed, or as the doctor left it)
//   data-position      "right" (default) or "left"

const COLOUR = /^(#[0-9a-f]{3,8}|rgb\([\d\s.,%]+\)|[a-z]{3,20})$/i;

function scriptOrigin(script) {
  try {
    return new URL(script.src, document.baseURI).origin;
  } catch {
    return window.location.origin;
  }
}

export function readOptions(script, globalConfig = {}) {
  const data = script?.dataset ?? {};
  const pick = (key) => globalConfig[key] ?? data[key];
  const colour = (value) => (value && COLOUR.test(value.trim()) ? value.trim() : undefined);
  const serverUrl = String(pick("serverUrl") || (script?.src ? scriptOrigin(script) : window.location.origin));
  return {
    serverUrl: serverUrl.replace(/\/+$/, ""),
    socketUrl: pick("socketUrl") ? String(pick("socketUrl")).replace(/\/+$/, "") : undefined,
    socketPath: pick("socketPath") ? String(pick("socketPath")) : undefined,
    title: pick("title") ? String(pick("title")) : undefined,
    subtitle: pick("subtitle") ? String(pick("subtitle")) : undefined,
    primaryColor: colour(pick("primaryColor")),
    accentColor: colour(pick("accentColor")),
    open: String(pick("open")) === "true",
    position: pick("position") === "left" ? "left" : "right",
    storagePrefix: "inail-chat",
  };
}

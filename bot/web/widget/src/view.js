// Building the widget's DOM: the shell once, then one row per transcript entry.
// Message content only ever goes in as text (textContent or format.js).

import { formatText, safeUrl } from "./format.js";
import { ICONS } from "./icons.js";
import css from "./styles.css";
import { fill } from "./upload.js";

export function el(doc, tag, attrs = {}, children = []) {
  const node = doc.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "icon") node.innerHTML = ICONS[value]; // constant markup
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

/** The shell: launcher, panel, composer. Returns the elements the controller uses. */
export function buildShell(doc, shadow, options, strings) {
  const style = el(doc, "style", { text: css });
  const overrides = [];
  if (options.primaryColor) overrides.push(`--primary:${options.primaryColor};--primary-dark:${options.primaryColor}`);
  if (options.accentColor) overrides.push(`--accent:${options.accentColor}`);
  const custom = el(doc, "style", { text: overrides.length ? `:host{${overrides.join(";")}}` : "" });

  const title = options.title || strings.title;
  const subtitle = options.subtitle || strings.subtitle;
  const ids = { panel: "inail-chat-panel", title: "inail-chat-title", input: "inail-chat-input" };

  const statusText = el(doc, "span", { class: "status-text sr", text: strings.statusConnecting });
  const newButton = el(doc, "button", {
    type: "button", class: "icon", icon: "restart",
    "aria-label": strings.newConversation, title: strings.newConversation,
  });
  const closeButton = el(doc, "button", {
    type: "button", class: "icon", icon: "close", "aria-label": strings.close, title: strings.close,
  });
  // A div, not <header>: the host page has its own banner landmark.
  const header = el(doc, "div", { class: "header" }, [
    el(doc, "div", { class: "avatar presence" }, [
      el(doc, "span", { icon: "doctor", class: "glyph" }),
      el(doc, "span", { class: "dot", "aria-hidden": "true" }),
    ]),
    el(doc, "div", { class: "heading" }, [
      el(doc, "h2", { id: ids.title, text: title }),
      el(doc, "p", { class: "subtitle" }, [el(doc, "span", { class: "what", text: subtitle }), statusText]),
    ]),
    newButton,
    closeButton,
  ]);

  const banner = el(doc, "div", { class: "banner", role: "status", hidden: true });
  const startButton = el(doc, "button", { type: "button", class: "start", text: strings.greeting });
  const empty = el(doc, "div", { class: "empty" }, [
    el(doc, "div", { class: "avatar", icon: "doctor" }),
    el(doc, "h3", { text: strings.emptyTitle }),
    el(doc, "p", { text: strings.emptyText }),
    el(doc, "p", { class: "sr", text: strings.emptyStart }),
    startButton,
  ]);
  const log = el(doc, "div", { class: "log", role: "log", "aria-live": "polite", "aria-labelledby": ids.title });
  const quick = el(doc, "div", { class: "quick", role: "group", "aria-label": strings.quickReplies, hidden: true });
  const typingLabel = el(doc, "span", { class: "sr", text: strings.typing });
  const typing = el(doc, "div", { class: "typing", hidden: true }, [
    typingLabel,
    el(doc, "i", { "aria-hidden": "true" }),
    el(doc, "i", { "aria-hidden": "true" }),
    el(doc, "i", { "aria-hidden": "true" }),
  ]);
  const scroll = el(doc, "div", { class: "scroll" }, [empty, log, quick, typing]);

  const handoffText = el(doc, "span", { class: "handoff-text" });
  const handoffCancel = el(doc, "button", { type: "button", class: "handoff-cancel", text: strings.handoffCancel });
  const handoffBar = el(doc, "div", { class: "handoff", role: "status", hidden: true }, [handoffText, handoffCancel]);
  const tray = el(doc, "div", { class: "tray", hidden: true });
  const fileInput = el(doc, "input", { type: "file", hidden: true, tabindex: "-1", "aria-hidden": "true" });
  const attachButton = el(doc, "button", {
    type: "button", class: "attach", icon: "attach", "aria-label": strings.attach, title: strings.attach,
  });
  const input = el(doc, "textarea", {
    id: ids.input, rows: "1", "aria-label": strings.inputLabel, placeholder: strings.inputPlaceholder,
    maxlength: "2000", autocomplete: "off",
  });
  const sendButton = el(doc, "button", {
    type: "submit", class: "send", icon: "send", "aria-label": strings.send, title: strings.send,
  });
  const composer = el(doc, "form", { class: "composer" }, [attachButton, fileInput, input, sendButton]);
  const footer = el(doc, "p", { class: "footer", text: strings.footer });
  const drop = el(doc, "div", { class: "drop", hidden: true, "aria-hidden": "true" });
  const alert = el(doc, "div", { class: "sr", role: "alert" });
  const announcer = el(doc, "div", { class: "sr", "aria-live": "polite" });

  const panel = el(doc, "section", {
    id: ids.panel, class: "panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": ids.title, hidden: true, "data-state": "connecting",
  }, [header, banner, scroll, handoffBar, tray, composer, footer, drop, alert]);

  const badge = el(doc, "span", { class: "badge", hidden: true, "aria-hidden": "true" });
  const launcher = el(doc, "button", {
    type: "button", class: "launcher", "aria-controls": ids.panel, "aria-expanded": "false",
    "aria-label": strings.launcherOpen, icon: "chat",
  });
  launcher.append(badge);
  const toast = el(doc, "div", { class: "toast", hidden: true, "aria-hidden": "true" });
  const root = el(doc, "div", { class: "root", "data-position": options.position }, [
    toast, panel, launcher, announcer,
  ]);
  shadow.append(style, custom, root);
  return {
    root, panel, launcher, badge, toast, statusText, newButton, closeButton, banner, empty,
    startButton, log, quick, typing, typingLabel, scroll, tray, fileInput, attachButton, input,
    sendButton, composer, drop, alert, announcer, handoffBar, handoffText, handoffCancel,
    subtitleText: header.querySelector(".what"),
  };
}

const timeFormat = new Intl.DateTimeFormat("it-IT", { hour: "2-digit", minute: "2-digit" });
const dateFormat = new Intl.DateTimeFormat("it-IT", { day: "numeric", month: "long", year: "numeric" });
const fullFormat = new Intl.DateTimeFormat("it-IT", { dateStyle: "full", timeStyle: "short" });

export function dayKey(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(ts, strings) {
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (dayKey(ts) === dayKey(today.getTime())) return strings.today;
  if (dayKey(ts) === dayKey(yesterday.getTime())) return strings.yesterday;
  return dateFormat.format(new Date(ts));
}

export function daySeparator(doc, ts, strings) {
  return el(doc, "div", { class: "day", role: "separator", text: dayLabel(ts, strings) });
}

function sizeLabel(bytes) {
  if (!bytes) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(".", ",")} MB`;
}

function extensionLabel(name) {
  const ext = (name.split(".").pop() || "").toUpperCase();
  return ext && ext.length <= 4 && ext !== name.toUpperCase() ? ext : "FILE";
}

/** A file card: used in the transcript (with state) and in the tray (without). */
export function fileCard(doc, file, strings) {
  const body = el(doc, "div", { class: "file-body" }, [
    el(doc, "div", { class: "file-name", text: file.name || strings.fileLabel, title: file.name }),
    el(doc, "div", {
      class: "file-size",
      text: [sizeLabel(file.size), file.purpose ? strings.purposes[file.purpose] : ""].filter(Boolean).join(" · "),
    }),
  ]);
  if (file.state === "uploading") {
    const percent = file.progress || 0;
    body.append(
      el(doc, "div", {
        class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
        "aria-valuenow": String(percent), "aria-label": strings.fileLabel,
      }, [el(doc, "div", { style: `width:${percent}%` })]),
      el(doc, "div", {
        class: "file-state",
        text: file.sent ? strings.uploadChecking : fill(strings.uploadProgress, { percent }),
      }),
    );
  } else if (file.state) {
    const label = {
      accepted: strings.uploadDone,
      rejected: strings.uploadRejected,
      failed: strings.uploadFailed,
      history_accepted: strings.uploadFromHistory,
      history_rejected: strings.uploadRejectedFromHistory,
    }[file.state];
    if (label) body.append(el(doc, "div", { class: "file-state", text: label }));
  }
  if (file.detail?.length) {
    body.append(el(doc, "ul", { class: "detail" }, file.detail.map((d) => el(doc, "li", { text: d }))));
  }
  return el(doc, "div", { class: "file" }, [
    el(doc, "div", { class: "file-icon", "aria-hidden": "true", text: extensionLabel(file.name || "") }),
    body,
  ]);
}

/** A file an operator sent: its card, with a link to download it from the web process. */
function sharedFile(doc, file, strings, serverUrl) {
  const card = fileCard(doc, { name: file.name, size: file.size }, strings);
  const link = el(doc, "a", {
    class: "download", href: `${serverUrl}${file.url}`, download: file.name || "", rel: "noopener",
    text: strings.operatorFile,
  });
  card.querySelector(".file-body")?.append(link);
  return card;
}

/** One transcript row. `retry` is the handler for a failed upload that can be sent again. */
export function entryRow(doc, entry, strings, retry, serverUrl = "") {
  const notice = entry.notice;
  const author = notice?.author;
  const title = author ? undefined : notice?.title || (entry.status ? strings.statusUpdate : undefined);
  const kind = author ? " operator" : title ? " notice" : "";
  const bubble = el(doc, "div", { class: `bubble${kind}` });
  const speaker = entry.from === "user" ? strings.you : author || strings.bot;
  bubble.append(el(doc, "span", { class: "sr", text: `${speaker}: ` }));
  if (author) bubble.append(el(doc, "span", { class: "author", "aria-hidden": "true", text: author }));
  if (title) bubble.append(el(doc, "span", { class: "notice-title", text: title }));
  if (entry.text) bubble.append(el(doc, "div", { class: "text" }, [formatText(doc, entry.text, strings)]));
  if (notice?.file) bubble.append(sharedFile(doc, notice.file, strings, serverUrl));
  const image = entry.image && safeUrl(entry.image);
  if (image) bubble.append(el(doc, "img", { src: image, alt: "", loading: "lazy", referrerpolicy: "no-referrer" }));
  if (entry.file) {
    bubble.append(fileCard(doc, entry.file, strings));
    if (entry.file.state === "failed" && retry) {
      const button = el(doc, "button", { type: "button", class: "retry", text: strings.uploadRetry });
      button.addEventListener("click", retry);
      bubble.append(button);
    }
  }
  const when = new Date(entry.ts);
  const meta = el(doc, "div", { class: "meta" }, [
    el(doc, "time", { datetime: when.toISOString(), title: fullFormat.format(when), text: timeFormat.format(when) }),
  ]);
  if (entry.state === "pending") meta.append(el(doc, "span", { class: "state", text: strings.pending }));
  if (entry.state === "sending") meta.append(el(doc, "span", { class: "state", text: `${strings.sending}…` }));
  const stateClass = entry.state || entry.file?.state || "";
  return el(doc, "div", { class: `row ${entry.from} ${stateClass}`.trim(), "data-id": entry.id }, [bubble, meta]);
}

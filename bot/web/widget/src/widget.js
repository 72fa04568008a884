// The chat widget: transcript, connection, uploads, and the panel the doctor sees.

import { Connection } from "./connection.js";
import { botEntry, historyEntry, isEmpty, mergeHistory, newId } from "./messages.js";
import { Store } from "./store.js";
import strings from "./strings.it.json";
import { ACCEPT_ATTRIBUTE, fill, outcomeOf, precheck, uploadFile } from "./upload.js";
import { buildShell, dayKey, daySeparator, el, entryRow, fileCard } from "./view.js";

const DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024;

export class ChatWidget {
  constructor(options) {
    this.options = options;
    this.strings = strings;
    this.store = new Store(options.storagePrefix);
    this.entries = [];
    this.rows = new Map();
    this.retryFiles = new Map();
    this.uploading = 0;
    this.otherTabWaiting = false;
    this.unread = 0;
    this.pendingFile = null;
    this.handoff = { status: null };
    this.handoffTimer = null;
    this.starting = false;
    this.stickToBottom = true; // new messages scroll into view unless the doctor scrolled up
    this.config = { socketUrl: options.socketUrl, socketPath: options.socketPath, maxUploadBytes: DEFAULT_MAX_UPLOAD };
  }

  // ---- start -------------------------------------------------------------------------------

  async mount() {
    const doc = document;
    this.doc = doc;
    this.host = el(doc, "div", { id: "inail-chat-widget" });
    doc.body.append(this.host);
    const shadow = this.host.attachShadow({ mode: "open" });
    this.ui = buildShell(doc, shadow, this.options, strings);
    this.ui.fileInput.setAttribute("accept", ACCEPT_ATTRIBUTE);
    this.bindUi();
    this.store.onOtherTab((key) => {
      if (key === "session") this.followOtherTab();
    });

    const session = this.store.session();
    this.loadSession(session.id);
    const wasOpen = this.store.get("open") === "true";
    this.setOpen(this.options.open || wasOpen, { focus: false });

    this.historyWanted = !session.isNew; // a new session has no history to fetch yet
    await this.loadConfig();
    this.connect();
  }

  loadSession(sessionId) {
    this.sessionId = sessionId;
    this.entries = this.store.transcript(sessionId).map((entry) => {
      if (entry.file?.state === "uploading") {
        return { ...entry, file: { ...entry.file, state: "failed", detail: [strings.errorNetwork] } };
      }
      return entry;
    });
    this.ui.input.value = this.store.draft(sessionId);
    this.resizeInput();
    this.renderAll();
    this.openChannel();
  }

  async loadConfig() {
    try {
      const response = await fetch(`${this.options.serverUrl}/widget/config.json`, { credentials: "omit" });
      if (response.ok) {
        const body = await response.json();
        // No public socket URL configured: Rasa on the web process's host, at its own port.
        const server = new URL(this.options.serverUrl);
        const sameHost = body.socketPort ? `${server.protocol}//${server.hostname}:${body.socketPort}` : undefined;
        this.config = {
          socketUrl: this.options.socketUrl || body.socketUrl || sameHost,
          socketPath: this.options.socketPath || body.socketPath,
          maxUploadBytes: body.maxUploadBytes || DEFAULT_MAX_UPLOAD,
        };
      }
    } catch {
      // the web process is down: connect with the defaults, the chat may still work
    }
    this.config.socketUrl ||= this.options.serverUrl;
    this.config.socketPath ||= "/socket.io";
  }

  connect() {
    const sessionId = this.sessionId;
    this.connection = new Connection(
      {
        url: this.config.socketUrl,
        path: this.config.socketPath,
        sessionId,
        token: () => this.store.token(sessionId),
      },
      {
        onState: (state) => this.onConnectionState(state),
        onBotMessage: (message) => this.onBotMessage(message),
        onDelivered: (id) => this.onDelivered(id),
        onToken: (id, token) => this.store.saveToken(id, token),
        onReplaced: (id) => this.replaceSession(id),
      },
    );
    for (const entry of this.entries) {
      if (entry.from === "user" && entry.state) this.connection.send(entry.id, entry.payload || entry.text);
    }
    this.connection.start();
  }

  /** The server's transcript (authoritative), with what only this browser knows merged in. */
  async loadHistory() {
    const since = Date.now();
    const sessionId = this.sessionId;
    let items;
    try {
      const response = await fetch(`${this.options.serverUrl}/widget/api/history/${sessionId}`, {
        credentials: "omit",
        headers: { "X-Conversation-Token": this.store.token(sessionId) },
      });
      if (!response.ok) return;
      items = (await response.json()).entries;
    } catch {
      return; // offline: the local copy stays
    }
    if (sessionId !== this.sessionId || !Array.isArray(items)) return;
    if (!items.length && this.entries.length) return;
    this.entries = mergeHistory(this.entries, items.map(historyEntry), since);
    this.renderAll();
    this.save();
  }

  /** The server would not reopen the old session (its token is missing): go on in the new one,
   * with the messages not delivered yet. */
  replaceSession(id) {
    const undelivered = this.entries.filter((entry) => entry.from === "user" && entry.state);
    this.connection?.stop();
    this.store.adopt(this.sessionId, id);
    this.historyWanted = false;
    this.loadSession(id);
    for (const entry of undelivered) this.addEntry(entry, { share: false });
    this.connect();
  }

  followOtherTab() {
    const session = this.store.session();
    if (session.id === this.sessionId) return;
    this.connection?.stop();
    this.historyWanted = true;
    this.loadSession(session.id);
    this.connect();
  }

  // ---- tabs --------------------------------------------------------------------------------

  openChannel() {
    this.channel?.close();
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`inail-chat:${this.sessionId}`) : null;
    if (this.channel) this.channel.onmessage = (event) => this.onOtherTabMessage(event.data);
  }

  broadcast(message) {
    try {
      this.channel?.postMessage(message);
    } catch {
      // a closed channel (session just changed): nothing to share
    }
  }

  onOtherTabMessage(message) {
    if (message?.type === "entry") {
      const entry = message.entry;
      if (this.rows.has(entry.id)) this.replaceEntry(entry, { share: false });
      else this.addEntry(entry, { share: false });
    } else if (message?.type === "waiting") {
      this.otherTabWaiting = Boolean(message.on);
      this.updateTyping();
    }
  }

  // ---- transcript --------------------------------------------------------------------------

  save() {
    const keep = this.entries.map((entry) => {
      if (!entry.file) return entry;
      const { progress, ...file } = entry.file;
      return { ...entry, file };
    });
    this.store.saveTranscript(this.sessionId, keep);
  }

  addEntry(entry, { share = true } = {}) {
    this.entries.push(entry);
    this.appendRow(entry, this.entries[this.entries.length - 2]);
    this.afterChange();
    if (share) this.broadcast({ type: "entry", entry });
    if (entry.from === "bot") this.notify(entry);
  }

  replaceEntry(entry, { share = true, save = true } = {}) {
    const index = this.entries.findIndex((e) => e.id === entry.id);
    if (index < 0) return;
    this.entries[index] = entry;
    const old = this.rows.get(entry.id);
    const row = this.row(entry);
    old?.replaceWith(row);
    this.rows.set(entry.id, row);
    if (this.stickToBottom) this.scrollToBottom();
    if (save) this.afterChange();
    if (share) this.broadcast({ type: "entry", entry });
  }

  afterChange() {
    this.save();
    this.renderQuickReplies();
    this.updateTyping();
    this.ui.empty.hidden = this.entries.length > 0;
  }

  row(entry) {
    const retry = this.retryFiles.has(entry.id) ? () => this.retryUpload(entry.id) : undefined;
    return entryRow(this.doc, entry, strings, retry, this.options.serverUrl);
  }

  appendRow(entry, previous) {
    if (!previous || dayKey(previous.ts) !== dayKey(entry.ts)) {
      this.ui.log.append(daySeparator(this.doc, entry.ts, strings));
    }
    const row = this.row(entry);
    this.rows.set(entry.id, row);
    this.ui.log.append(row);
    if (this.stickToBottom || entry.from === "user") this.scrollToBottom();
  }

  renderAll() {
    const { log } = this.ui;
    log.setAttribute("aria-busy", "true"); // no announcement of the whole history
    log.replaceChildren();
    this.rows.clear();
    this.entries.forEach((entry, i) => this.appendRow(entry, this.entries[i - 1]));
    log.removeAttribute("aria-busy");
    this.renderQuickReplies();
    this.updateTyping();
    this.ui.empty.hidden = this.entries.length > 0;
    this.scrollToBottom();
  }

  /** The buttons of the latest bot message that has some, until the doctor says something. */
  currentButtons() {
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const entry = this.entries[i];
      if (entry.from === "user") return [];
      if (entry.buttons?.length) return entry.buttons;
    }
    return [];
  }

  renderQuickReplies() {
    const { quick } = this.ui;
    const buttons = this.currentButtons();
    quick.replaceChildren(
      ...buttons.map((button) => {
        const b = el(this.doc, "button", { type: "button", text: button.title });
        b.addEventListener("click", () => {
          this.sendMessage(button.title, button.payload);
          this.ui.input.focus();
        });
        return b;
      }),
    );
    quick.hidden = buttons.length === 0;
  }

  scrollToBottom() {
    const s = this.ui.scroll;
    s.scrollTop = s.scrollHeight;
    this.stickToBottom = true;
  }

  // ---- conversation ------------------------------------------------------------------------

  isWaiting() {
    const sending = this.entries.some((e) => e.from === "user" && e.state === "sending");
    return sending || this.uploading > 0;
  }

  updateTyping() {
    const online = this.connection?.state === "online";
    const operator = this.handoff.status === "assigned" && this.handoff.typing;
    this.ui.typingLabel.textContent = operator
      ? fill(strings.operatorTyping, { name: this.handoff.operator || strings.fromOperator })
      : strings.typing;
    const show = (online && this.isWaiting()) || this.otherTabWaiting || operator;
    if (this.ui.typing.hidden === !show) return;
    this.ui.typing.hidden = !show;
    if (show) this.scrollToBottom();
  }

  sendMessage(text, payload) {
    const online = this.connection?.state === "online";
    const entry = { id: newId(), from: "user", ts: Date.now(), text, state: online ? "sending" : "pending" };
    if (payload) entry.payload = payload;
    this.addEntry(entry);
    this.broadcast({ type: "waiting", on: true });
    this.connection.send(entry.id, payload || text);
  }

  onDelivered(id) {
    const entry = this.entries.find((e) => e.id === id);
    if (entry) {
      const { state, ...delivered } = entry;
      this.replaceEntry(delivered);
    }
    if (!this.isWaiting()) this.broadcast({ type: "waiting", on: false });
  }

  onConnectionState(state) {
    const { panel, statusText, banner } = this.ui;
    panel.dataset.state = state;
    statusText.textContent = {
      online: strings.statusOnline, offline: strings.statusOffline, connecting: strings.statusConnecting,
    }[state];
    const wasOffline = banner.dataset.kind === "offline";
    // Online (again): the server's history also has what was said while this page was away,
    // e.g. a notice about the request.
    if (state === "online" && this.historyWanted) this.loadHistory();
    if (state === "online") {
      this.historyWanted = true;
      this.checkHandoff();
    }
    if (state === "offline") {
      banner.textContent = strings.bannerOffline;
      banner.className = "banner";
      banner.dataset.kind = "offline";
      banner.hidden = false;
    } else if (state === "online" && wasOffline) {
      banner.textContent = strings.bannerBack;
      banner.className = "banner back";
      banner.dataset.kind = "back";
      clearTimeout(this.bannerTimer);
      this.bannerTimer = setTimeout(() => {
        banner.hidden = true;
        banner.dataset.kind = "";
      }, 2500);
    }
    const from = state === "online" ? "pending" : "sending";
    const to = state === "online" ? "sending" : "pending";
    for (const entry of [...this.entries]) {
      if (entry.from === "user" && entry.state === from) this.replaceEntry({ ...entry, state: to });
    }
    this.updateTyping();
  }

  onBotMessage(message) {
    const entry = botEntry(message);
    if (isEmpty(entry)) return;
    this.addEntry(entry, { share: false });
    this.checkHandoffSoon();
  }

  // ---- a person (hand-off) -------------------------------------------------------------------

  /** Asks the web process where the hand-off stands: place in the queue, operator, typing. */
  async checkHandoff() {
    clearTimeout(this.handoffTimer);
    const sessionId = this.sessionId;
    let state;
    try {
      const response = await fetch(`${this.options.serverUrl}/widget/api/handoff/${sessionId}`, {
        credentials: "omit",
        headers: { "X-Conversation-Token": this.store.token(sessionId) },
      });
      if (!response.ok) return;
      state = await response.json();
    } catch {
      state = null; // offline: try again later if a hand-off was open
    }
    if (sessionId !== this.sessionId) return;
    if (state) this.applyHandoff(state);
    if (this.handoff.status === "waiting" || this.handoff.status === "assigned") {
      this.handoffTimer = setTimeout(() => this.checkHandoff(), 2500);
    }
  }

  checkHandoffSoon() {
    clearTimeout(this.handoffTimer);
    this.handoffTimer = setTimeout(() => this.checkHandoff(), 400);
  }

  applyHandoff(state) {
    this.handoff = state;
    const { handoffBar, handoffText, handoffCancel, subtitleText } = this.ui;
    if (state.status === "waiting") {
      const minutes = state.waitMinutes || 1;
      const wait = minutes <= 1 ? strings.handoffWaitOne : fill(strings.handoffWaitMany, { minutes });
      handoffText.textContent = fill(strings.handoffWaiting, { position: state.position || 1, wait });
      handoffCancel.hidden = false;
      handoffBar.hidden = false;
    } else {
      handoffBar.hidden = true;
    }
    subtitleText.textContent = state.status === "assigned"
      ? fill(strings.handoffWith, { name: state.operator || strings.fromOperator })
      : this.options.subtitle || strings.subtitle;
    this.updateTyping();
  }

  async cancelHandoff() {
    this.ui.handoffCancel.hidden = true;
    try {
      await fetch(`${this.options.serverUrl}/widget/api/handoff/${this.sessionId}/annulla`, {
        method: "POST", credentials: "omit",
        headers: { "X-Conversation-Token": this.store.token(this.sessionId) },
      });
    } catch {
      this.ui.handoffCancel.hidden = false;
    }
    this.checkHandoffSoon();
  }

  // ---- the first question, at once -----------------------------------------------------------

  /** A new conversation opens with the assistant's first question and its buttons. */
  async startConversation() {
    if (this.starting || this.entries.length) return;
    this.starting = true;
    const sessionId = this.sessionId;
    this.ui.empty.classList.add("starting");
    try {
      const response = await fetch(`${this.options.serverUrl}/widget/api/start/${sessionId}`, {
        method: "POST", credentials: "omit",
      });
      const body = response.ok ? await response.json() : { messages: [] };
      if (sessionId !== this.sessionId || this.entries.length) return;
      for (const message of body.messages || []) {
        const entry = botEntry(message);
        if (!isEmpty(entry)) this.addEntry(entry);
      }
    } catch {
      // offline: the welcome card and its greeting button stay
    } finally {
      this.starting = false;
      this.ui.empty.classList.remove("starting");
    }
  }

  notify(entry) {
    const panelVisible = this.isOpen && this.doc.visibilityState === "visible";
    if (panelVisible) return;
    this.unread += 1;
    const { badge, toast, launcher, announcer } = this.ui;
    badge.textContent = String(this.unread);
    badge.hidden = false;
    const unread = this.unread === 1 ? strings.unreadOne : fill(strings.unread, { count: this.unread });
    launcher.setAttribute("aria-label", `${strings.launcherOpen} (${unread})`);
    if (!this.isOpen) {
      const preview = entry.text.length > 140 ? `${entry.text.slice(0, 140)}…` : entry.text;
      toast.replaceChildren(
        el(this.doc, "strong", { text: entry.status ? strings.statusUpdate : strings.newMessage }),
        this.doc.createTextNode(preview),
      );
      toast.hidden = !preview;
      announcer.textContent = `${strings.newMessage}: ${preview}`;
    }
  }

  clearUnread() {
    this.unread = 0;
    this.ui.badge.hidden = true;
    this.ui.toast.hidden = true;
  }

  newConversation() {
    if (!window.confirm(strings.newConversationConfirm)) return;
    this.connection?.stop();
    this.retryFiles.clear();
    this.clearFile();
    const id = this.store.newSession(this.sessionId);
    this.historyWanted = false;
    this.applyHandoff({ status: null });
    this.loadSession(id);
    this.connect();
    this.startConversation();
    this.ui.input.focus();
  }

  // ---- files -------------------------------------------------------------------------------

  chooseFile(file) {
    if (!file) return;
    const { tray } = this.ui;
    const problem = precheck(file, this.config.maxUploadBytes, strings);
    this.pendingFile = problem ? null : { file, purpose: "" };
    const remove = el(this.doc, "button", {
      type: "button", class: "remove", icon: "close", "aria-label": strings.removeFile, title: strings.removeFile,
    });
    remove.addEventListener("click", () => {
      this.clearFile();
      this.ui.attachButton.focus();
    });
    const card = fileCard(this.doc, { name: file.name, size: file.size }, strings);
    card.append(remove);
    const parts = [card];
    if (problem) {
      parts.push(el(this.doc, "p", { class: "tray-error", text: problem }));
      this.ui.alert.textContent = problem;
    } else {
      const select = el(this.doc, "select", { id: "inail-chat-purpose" });
      for (const [value, label] of Object.entries(strings.purposes)) {
        select.append(el(this.doc, "option", { value, text: label }));
      }
      select.addEventListener("change", () => {
        if (this.pendingFile) this.pendingFile.purpose = select.value;
      });
      parts.push(
        el(this.doc, "label", { for: "inail-chat-purpose", text: strings.purposeLabel }),
        select,
        el(this.doc, "p", { class: "tray-hint", text: strings.fileHint }),
      );
      this.ui.announcer.textContent = fill(strings.fileReady, { name: file.name });
    }
    tray.replaceChildren(...parts);
    tray.hidden = false;
    this.scrollToBottom();
  }

  clearFile() {
    this.pendingFile = null;
    this.ui.tray.hidden = true;
    this.ui.tray.replaceChildren();
    this.ui.fileInput.value = "";
  }

  sendFile({ file, purpose }) {
    const entry = {
      id: newId(), from: "user", ts: Date.now(), text: "",
      file: { name: file.name, size: file.size, purpose, state: "uploading", progress: 0, detail: [] },
    };
    this.retryFiles.set(entry.id, { file, purpose });
    this.addEntry(entry);
    this.upload(entry);
  }

  retryUpload(id) {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return;
    this.replaceEntry({ ...entry, file: { ...entry.file, state: "uploading", progress: 0, detail: [] } });
    this.upload(this.entries.find((e) => e.id === id));
  }

  async upload(entry) {
    const { file, purpose } = this.retryFiles.get(entry.id);
    this.uploading += 1;
    this.updateTyping();
    const result = await uploadFile({
      serverUrl: this.options.serverUrl,
      sessionId: this.sessionId,
      token: this.store.token(this.sessionId),
      file,
      purpose,
      onProgress: (percent) => {
        const current = this.entries.find((e) => e.id === entry.id);
        if (current?.file?.state === "uploading" && percent !== current.file.progress) {
          this.replaceEntry({ ...current, file: { ...current.file, progress: percent } }, { save: false, share: false });
        }
      },
      onSent: () => {
        const current = this.entries.find((e) => e.id === entry.id);
        if (current?.file?.state === "uploading") {
          const sent = { ...current.file, progress: 100, sent: true };
          this.replaceEntry({ ...current, file: sent }, { save: false, share: false });
        }
      },
    });
    this.uploading -= 1;
    const outcome = outcomeOf(result, strings);
    const replies = outcome.replies.map((reply) => botEntry(reply)).filter((e) => !isEmpty(e));
    const repeated = (text) => replies.some((r) => r.text.includes(text));
    const detail = outcome.state === "rejected" ? outcome.detail.filter((d) => !repeated(d)) : outcome.detail;
    if (!outcome.retry) this.retryFiles.delete(entry.id);
    const current = this.entries.find((e) => e.id === entry.id) || entry;
    const { progress, sent, ...fileInfo } = current.file;
    this.replaceEntry({ ...current, file: { ...fileInfo, state: outcome.state, detail } });
    if (outcome.state === "failed") this.ui.alert.textContent = outcome.detail.join(" ");
    for (const reply of replies) this.addEntry(reply);
  }

  // ---- panel -------------------------------------------------------------------------------

  get isOpen() {
    return !this.ui.panel.hidden;
  }

  setOpen(open, { focus = true } = {}) {
    const { panel, launcher, root } = this.ui;
    panel.hidden = !open;
    root.classList.toggle("open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcher.innerHTML = "";
    launcher.append(el(this.doc, "span", { icon: open ? "down" : "chat", style: "display:grid" }), this.ui.badge);
    launcher.setAttribute("aria-label", open ? strings.launcherClose : strings.launcherOpen);
    this.store.set("open", String(open));
    if (open) {
      this.clearUnread();
      this.scrollToBottom();
      if (!this.entries.length) this.startConversation();
      if (focus) this.ui.input.focus();
    } else if (focus) {
      launcher.focus();
    }
  }

  resizeInput() {
    const { input } = this.ui;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  submit() {
    const { input } = this.ui;
    const text = input.value.trim();
    if (text) {
      this.sendMessage(text);
      input.value = "";
      this.store.saveDraft(this.sessionId, "");
      this.resizeInput();
    }
    if (this.pendingFile) {
      const pending = this.pendingFile;
      this.clearFile();
      this.sendFile(pending);
    }
    input.focus();
  }

  bindUi() {
    const ui = this.ui;
    ui.launcher.addEventListener("click", () => this.setOpen(!this.isOpen));
    ui.toast.addEventListener("click", () => this.setOpen(true));
    ui.closeButton.addEventListener("click", () => this.setOpen(false));
    ui.newButton.addEventListener("click", () => this.newConversation());
    ui.startButton.addEventListener("click", () => this.sendMessage(strings.greeting));
    ui.handoffCancel.addEventListener("click", () => this.cancelHandoff());
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.setOpen(false);
      }
    });
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    ui.input.addEventListener("input", () => {
      this.resizeInput();
      this.store.saveDraft(this.sessionId, ui.input.value);
    });
    ui.attachButton.addEventListener("click", () => ui.fileInput.click());
    ui.fileInput.addEventListener("change", () => this.chooseFile(ui.fileInput.files?.[0]));

    let depth = 0;
    const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
    ui.panel.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth += 1;
      ui.drop.textContent = fill(strings.dropHere, { maxMb: Math.floor(this.config.maxUploadBytes / 2 ** 20) });
      ui.drop.hidden = false;
    });
    ui.panel.addEventListener("dragover", (event) => {
      if (hasFiles(event)) event.preventDefault();
    });
    ui.panel.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) ui.drop.hidden = true;
    });
    ui.panel.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      ui.drop.hidden = true;
      this.chooseFile(event.dataTransfer?.files?.[0]);
    });
    let lastTop = 0;
    ui.scroll.addEventListener("scroll", () => {
      // Follow new messages while at the bottom; stop when the doctor scrolls up to read.
      const s = ui.scroll;
      const atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 60;
      if (atBottom) this.stickToBottom = true;
      else if (s.scrollTop < lastTop) this.stickToBottom = false;
      lastTop = s.scrollTop;
    });
    this.doc.addEventListener("visibilitychange", () => {
      if (this.doc.visibilityState === "visible" && this.isOpen) this.clearUnread();
    });
  }
}

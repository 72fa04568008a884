// What the widget keeps in the browser (localStorage, shared by the tabs of one site):
//   <prefix>:session               the session id = Rasa sender id, the same in every tab
//   <prefix>:<session>:transcript  the last MAX_ENTRIES entries, shown at once on reload
//   <prefix>:<session>:draft       the text being typed, not yet sent
//   <prefix>:<session>:token       the session's token, given by the server: needed to rejoin
//                                  the session, read its history and send files
//   <prefix>:open                  whether the panel was open
// The server's history replaces the transcript after load; unsent messages stay local until sent.

const MAX_ENTRIES = 300;

function storage() {
  try {
    const s = globalThis.localStorage;
    const probe = "__inail_chat_probe__";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null; // storage disabled: the widget still works, without memory across reloads
  }
}

function randomSessionId() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Store {
  constructor(prefix) {
    this.prefix = prefix;
    this.storage = storage();
    this.memory = new Map();
  }

  get(key) {
    const full = `${this.prefix}:${key}`;
    return this.storage ? this.storage.getItem(full) : (this.memory.get(full) ?? null);
  }

  set(key, value) {
    const full = `${this.prefix}:${key}`;
    try {
      if (this.storage) this.storage.setItem(full, value);
      else this.memory.set(full, value);
    } catch {
      // quota exceeded: keep going, the server still has the conversation
    }
  }

  remove(key) {
    const full = `${this.prefix}:${key}`;
    if (this.storage) this.storage.removeItem(full);
    else this.memory.delete(full);
  }

  /** The session id, created the first time; `isNew` says whether it was just created. */
  session() {
    const existing = this.get("session");
    if (existing && /^[0-9a-f]{32}$/.test(existing)) return { id: existing, isNew: false };
    const id = randomSessionId();
    this.set("session", id);
    return { id, isNew: true };
  }

  newSession(oldId) {
    this.remove(`${oldId}:transcript`);
    this.remove(`${oldId}:draft`);
    this.remove(`${oldId}:token`);
    this.remove("session");
    return this.session().id;
  }

  /** The session the server gave instead of the old one (which it would not reopen). */
  adopt(oldId, newId) {
    for (const key of ["transcript", "draft", "token"]) this.remove(`${oldId}:${key}`);
    this.set("session", newId);
  }

  token(sessionId) {
    return this.get(`${sessionId}:token`) || "";
  }

  saveToken(sessionId, token) {
    if (/^[0-9a-f]{32}$/.test(sessionId) && typeof token === "string" && token) {
      this.set(`${sessionId}:token`, token);
    }
  }

  transcript(sessionId) {
    try {
      const parsed = JSON.parse(this.get(`${sessionId}:transcript`) || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  saveTranscript(sessionId, entries) {
    this.set(`${sessionId}:transcript`, JSON.stringify(entries.slice(-MAX_ENTRIES)));
  }

  draft(sessionId) {
    return this.get(`${sessionId}:draft`) || "";
  }

  saveDraft(sessionId, text) {
    if (text) this.set(`${sessionId}:draft`, text);
    else this.remove(`${sessionId}:draft`);
  }

  /** Calls back when another tab changed this session's transcript or switched session. */
  onOtherTab(callback) {
    globalThis.addEventListener("storage", (event) => {
      if (event.key?.startsWith(`${this.prefix}:`)) callback(event.key.slice(this.prefix.length + 1));
    });
  }
}

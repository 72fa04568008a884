// The conversation with Rasa's socket.io channel (session persistence on: the session id is
// the sender id, and every tab that asks for it joins the same room and gets the replies).
//
// The server hands the session's token (session_token) before confirming it; the token is asked
// for again to rejoin an existing session. A session the server would not reopen is replaced by
// a new one (session_confirm with another id).
//
// A message counts as delivered when the server acknowledges it, which python-socketio does
// after Rasa has handled it. Until then it stays queued: sent again after a reconnection, so a
// network drop never loses what the doctor typed.

import { io } from "socket.io-client";

const ACK_TIMEOUT_MS = 60_000;

export class Connection {
  /**
   * @param {{url: string, path: string, sessionId: string, token: Function}} options
   * @param {{onState: Function, onBotMessage: Function, onDelivered: Function,
   *          onToken: Function, onReplaced: Function}} handlers
   */
  constructor(options, handlers) {
    this.options = options;
    this.handlers = handlers;
    this.state = "connecting"; // "connecting" | "online" | "offline"
    this.queue = []; // {id, message} in order, not yet acknowledged
    this.inFlight = new Map(); // id -> number of the emission awaiting its acknowledgement
    this.emissions = 0;
    this.socket = null;
  }

  start() {
    const socket = io(this.options.url, {
      path: this.options.path,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 10_000,
      forceNew: true, // one connection per conversation, never shared with an old one
    });
    this.socket = socket;
    socket.on("connect", () => {
      socket.emit("session_request", { session_id: this.options.sessionId, token: this.options.token() });
    });
    socket.on("session_token", (data) => {
      if (data && typeof data.session_id === "string") this.handlers.onToken(data.session_id, data.token);
    });
    socket.on("session_confirm", (sessionId) => {
      if (typeof sessionId === "string" && sessionId && sessionId !== this.options.sessionId) {
        this.handlers.onReplaced(sessionId);
        return;
      }
      this.setState("online");
      this.flush();
    });
    socket.on("disconnect", () => this.dropped());
    socket.on("connect_error", () => this.dropped());
    socket.on("bot_uttered", (message) => this.handlers.onBotMessage(message));
    this.onBrowserOnline = () => {
      if (!socket.connected) socket.connect();
    };
    globalThis.addEventListener("online", this.onBrowserOnline);
  }

  stop() {
    globalThis.removeEventListener("online", this.onBrowserOnline);
    this.socket?.off(); // a closed conversation reports nothing more
    this.socket?.disconnect();
    this.socket = null;
  }

  dropped() {
    this.inFlight.clear(); // unacknowledged messages go again after the reconnection
    this.setState("offline");
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.handlers.onState(state);
  }

  /** Queues a message (text or button payload) and sends it as soon as the session is online. */
  send(id, message) {
    this.queue.push({ id, message });
    this.flush();
  }

  flush() {
    if (this.state !== "online" || !this.socket?.connected) return;
    for (const item of this.queue) {
      if (this.inFlight.has(item.id)) continue;
      const emission = ++this.emissions;
      this.inFlight.set(item.id, emission);
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(
          "user_uttered",
          { message: item.message, session_id: this.options.sessionId },
          (error) => this.acknowledged(item.id, emission, error),
        );
    }
  }

  acknowledged(id, emission, error) {
    if (this.inFlight.get(id) !== emission) return; // re-queued by a disconnection meanwhile
    this.inFlight.delete(id);
    if (error && !this.socket?.connected) return; // sent again once reconnected
    this.queue = this.queue.filter((item) => item.id !== id);
    this.handlers.onDelivered(id);
  }

  isQueued(id) {
    return this.queue.some((item) => item.id === id);
  }
}

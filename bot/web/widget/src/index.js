// Entry point: <script src=".../widget/widget.js" data-...></script> puts the chat on the page.

import { readOptions } from "./options.js";
import { ChatWidget } from "./widget.js";

const script = document.currentScript;

function boot() {
  if (window.InailChat) return; // embedded twice: one widget only
  const widget = new ChatWidget(readOptions(script, window.InailChatConfig || {}));
  window.InailChat = {
    open: () => widget.setOpen(true),
    close: () => widget.setOpen(false),
    get sessionId() {
      return widget.sessionId;
    },
  };
  widget.mount();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();

// Staff console: small helpers only; every page works without JavaScript (reload to update).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // The reason is required for "da integrare" and "respinta" (the server checks it too).
  document.querySelectorAll("form.status-form").forEach(function (form) {
    var select = form.querySelector("select[name=stato]");
    var reason = form.querySelector("textarea[name=motivo]");
    function update() {
      var option = select.options[select.selectedIndex];
      reason.required = !!(option && option.hasAttribute("data-motivo"));
    }
    select.addEventListener("change", update);
    update();
  });
  // Documents: a click on a picture shows it at full size in the page (again: back to fit);
  // without JavaScript the link opens it in a new tab.
  document.querySelectorAll("a.zoom").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var image = link.querySelector("img");
      if (!image) return;
      event.preventDefault();
      image.classList.toggle("zoomed");
    });
  });

  function getJson(url, done) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) done(body); })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  // Assistenza, inbox: the lists every few seconds (this also keeps the operator "online").
  var queue = document.getElementById("handoff-queue");
  if (queue) {
    setInterval(function () {
      if (queue.contains(document.activeElement)) return; // do not pull a button from under the mouse
      getJson(queue.getAttribute("data-source"), function (body) { queue.innerHTML = body.html; });
    }, 4000);
  }

  // Assistenza, one conversation: new messages and files as they arrive.
  var live = document.getElementById("handoff-transcript");
  function toBottom() {
    var list = live && live.querySelector(".transcript");
    if (list) list.scrollTop = list.scrollHeight;
  }
  if (live) {
    toBottom();
    setInterval(function () {
      getJson(live.getAttribute("data-source"), function (body) {
        var status = document.getElementById("handoff-status");
        if (String(body.last_event) !== live.getAttribute("data-last-event")) {
          live.innerHTML = body.html;
          live.setAttribute("data-last-event", String(body.last_event));
          toBottom();
        }
        if (status && status.className.indexOf("handoff-" + body.status) < 0) window.location.reload();
      });
    }, 2000);
  }

  // "Sta scrivendo": at most one signal every 3 seconds while the operator types.
  var reply = document.getElementById("reply-form");
  if (reply) {
    var last = 0;
    var text = reply.querySelector("textarea[name=testo]");
    text.addEventListener("input", function () {
      var now = Date.now();
      if (now - last < 3000 || !text.value.trim()) return;
      last = now;
      var data = new FormData();
      data.append("csrf_token", reply.querySelector("input[name=csrf_token]").value);
      fetch(reply.getAttribute("data-typing"), { method: "POST", body: data, credentials: "same-origin" })
        .catch(function () { /* a missed "sta scrivendo" is harmless */ });
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && text.value.trim()) {
        event.preventDefault();
        reply.requestSubmit();
      }
    });
  }
});

// Staff console: small helpers only; every page works without JavaScript.
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
});

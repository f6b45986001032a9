// The main navigation collapses behind the Menu button on narrow screens. Without this script
// the button stays hidden and the links show, wrapped, so nothing depends on it.
(function () {
  "use strict";

  function setUp(toggle) {
    var nav = toggle.closest(".site-nav");
    var links = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav || !links) {
      return;
    }
    nav.classList.add("nav-collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("nav-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("nav-open")) {
        toggle.setAttribute("aria-expanded", "false");
        nav.classList.remove("nav-open");
        toggle.focus();
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-nav-toggle]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

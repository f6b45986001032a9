// Page behaviours shared by every page. The Content-Security-Policy forbids inline scripts and
// on*= attributes, so markup asks for behaviour with data-* attributes handled here.
// - [data-print] buttons print the page.
// - The main navigation collapses behind the Menu button on narrow screens. Without this
//   script the button stays hidden and the links show, wrapped.
// - The language switcher changes language as soon as a language is picked; without this
//   script its button submits the form.
// - A table that scrolls inside its own box (.table-wrap) becomes a focusable, named region,
//   so that keyboard users can scroll it too.
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

  function markScrollable() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
        box.dataset.scrollRegion = "true";
      } else if (!scrolls && box.dataset.scrollRegion) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }

  function start() {
    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-print]")) {
        window.print();
      }
    });
    document.querySelectorAll("[data-nav-toggle]").forEach(setUp);
    document.querySelectorAll("[data-language-switcher]").forEach(function (form) {
      var go = form.querySelector("[data-language-go]");
      if (go) {
        go.classList.add("visually-hidden");
      }
      form.querySelector("select").addEventListener("change", function () {
        form.submit();
      });
    });
    markScrollable();
    window.addEventListener("resize", markScrollable);
    document.body.addEventListener("htmx:afterSwap", markScrollable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Negotiation pages. No business rule lives here: completion, totals and which buttons the
// letter of intent offers come from the server (orders:completion, an HTMX fragment); this
// file only wires the page: the tier price on Start Order, the unsaved-changes guard, the
// missing-field links, the scroll position after a save, and the phone's pane tabs.
(function () {
  "use strict";

  // --- Start Order: the tier price follows the quantity ------------------------------------
  // The catalog's price_quote endpoint reads ?quantity=N while the order form names the
  // field lines-0-quantity, so the request is built here and handed to htmx.
  function quote(input) {
    var target = document.querySelector(input.dataset.quoteTarget);
    if (!target || !window.htmx || input.value === "") {
      return;
    }
    var url = input.dataset.quoteUrl + "?quantity=" + encodeURIComponent(input.value);
    window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" });
  }

  function setUpQuotes() {
    document.querySelectorAll("input[data-quote-url]").forEach(function (input) {
      var timer = null;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          quote(input);
        }, 300);
      });
      quote(input);
    });
  }

  // --- Letter of intent: never lose an edit, never confirm by accident ---------------------
  // While the form may differ from the saved terms, data-dirty="true" on the form hides the
  // plain Confirm at once (CSS); the server's fragment then says whether it really differs.
  function setUpLetterOfIntent() {
    var form = document.getElementById("loi-form");
    if (!form) {
      return;
    }
    var leaving = false;
    var decision = function () {
      return document.getElementById("loi-decision");
    };
    form.dataset.dirty = (decision() && decision().dataset.dirty) || "false";

    if (form.hasAttribute("data-editing")) {
      form.addEventListener("input", function () {
        form.dataset.dirty = "true";
      });
      form.addEventListener("change", function () {
        form.dataset.dirty = "true";
      });
    }
    document.body.addEventListener("htmx:afterSettle", function () {
      var fresh = decision();
      if (!fresh) {
        return;
      }
      form.dataset.dirty = fresh.dataset.dirty;
      markRequired(form, (fresh.dataset.required || "").split(" "));
    });
    form.addEventListener("submit", function () {
      leaving = true;
      try {
        window.sessionStorage.setItem(scrollKey(form), String(window.scrollY));
      } catch (e) {
        // Private mode without storage: the page opens at the letter of intent instead.
      }
    });
    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-discard]")) {
        leaving = true;
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && form.dataset.dirty === "true") {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    restoreScroll(form);
  }

  function markRequired(form, names) {
    var wanted = new Set(names);
    form.querySelectorAll(".loi-field[data-field]").forEach(function (field) {
      var name = field.dataset.field;
      if (name.indexOf("lines-") === 0) {
        return;
      }
      var oneOf = name === "delivery_lead_days" || name === "delivery_date";
      field.classList.toggle("field-required", !oneOf && wanted.has(name));
    });
  }

  function scrollKey(form) {
    return "loi-scroll-" + form.dataset.negotiation;
  }

  // After a save the page comes back where the person was, with the feedback beside the
  // buttons (the decision bar stays in view).
  function restoreScroll(form) {
    var key = scrollKey(form);
    var saved = null;
    try {
      saved = window.sessionStorage.getItem(key);
      window.sessionStorage.removeItem(key);
    } catch (e) {
      return;
    }
    if (saved === null || !document.querySelector(".loi-feedback")) {
      return;
    }
    // After the browser's own jump to the #loi anchor, which comes with the load.
    var restore = function () {
      window.requestAnimationFrame(function () {
        window.scrollTo(0, parseInt(saved, 10) || 0);
      });
    };
    if (document.readyState === "complete") {
      restore();
    } else {
      window.addEventListener("load", restore);
    }
  }

  // --- Missing-field links: the field in view, its label visible, focused -------------------
  function setUpFieldLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus-field]");
      if (!link) {
        return;
      }
      var id = link.getAttribute("href").slice(1);
      var target = document.getElementById(id);
      if (!target) {
        return;
      }
      event.preventDefault();
      showPane("loi");
      var box = target.closest(".field, .loi-module") || target;
      box.scrollIntoView({ block: "center" });
      var input = target.matches("input, select, textarea")
        ? target
        : target.querySelector("input:not([type=hidden]), select, textarea");
      if (input) {
        input.focus({ preventScroll: true });
      }
      window.history.replaceState(null, "", "#" + id);
    });
  }

  // --- Phone: one pane at a time, switched from the tab bar ---------------------------------
  function showPane(name) {
    var workspace = document.querySelector("[data-workspace]");
    if (!workspace) {
      return;
    }
    workspace.dataset.pane = name;
    document.querySelectorAll("[data-workspace-tabs] a").forEach(function (tab) {
      if (tab.dataset.pane === name) {
        tab.setAttribute("aria-current", "true");
      } else {
        tab.removeAttribute("aria-current");
      }
    });
  }

  function setUpTabs() {
    var tabs = document.querySelector("[data-workspace-tabs]");
    if (!tabs) {
      return;
    }
    document.documentElement.classList.add("has-workspace-tabs");
    tabs.addEventListener("click", function (event) {
      var tab = event.target.closest("a[data-pane]");
      if (!tab) {
        return;
      }
      event.preventDefault();
      showPane(tab.dataset.pane);
      window.scrollTo(0, 0);
    });
  }

  function setUp() {
    setUpQuotes();
    setUpLetterOfIntent();
    setUpFieldLinks();
    setUpTabs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

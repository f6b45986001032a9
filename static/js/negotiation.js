// Start Order: the tier price follows the quantity as it is typed. The catalog's
// price_quote endpoint reads ?quantity=N, while the order form names the field
// lines-0-quantity, so the request is built here and handed to htmx.
(function () {
  "use strict";

  function quote(input) {
    var target = document.querySelector(input.dataset.quoteTarget);
    if (!target || !window.htmx || input.value === "") {
      return;
    }
    var url = input.dataset.quoteUrl + "?quantity=" + encodeURIComponent(input.value);
    window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" });
  }

  function setUp() {
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

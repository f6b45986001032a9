// Offers in the chat (issue 14 point 1). No business rule lives here: the server renders each
// offer's card (orders:offer_card, an HTMX fragment) with what the viewer may do. This file
// only places a card under the chat message that announces an offer, and asks the server for
// fresh cards when the conversation says the order or an offer changed.
(function () {
  "use strict";

  var REFRESH_DELAY_MS = 300;
  var timer = null;

  function refresh(card) {
    window.htmx.trigger(card, "offer-refresh");
  }

  // An open offer may have gone out of date: the order moved on, or another offer superseded it.
  function refreshOpenCards() {
    document.querySelectorAll('[data-offer-card][data-offer-open="true"]').forEach(refresh);
  }

  function placeCard(element, offer) {
    if (element.querySelector("[data-offer-slot], [data-offer-card]")) {
      return;
    }
    var slot = document.createElement("div");
    slot.className = "offer-slot";
    slot.dataset.offerSlot = String(offer.id);
    slot.setAttribute("hx-get", offer.url);
    slot.setAttribute("hx-trigger", "load");
    slot.setAttribute("hx-swap", "outerHTML");
    element.appendChild(slot);
    window.htmx.process(slot);
  }

  document.addEventListener("chat:message", function (event) {
    var message = event.detail.message;
    if (!window.htmx || message.kind !== "system") {
      return;
    }
    if (message.offer && message.offer.card) {
      placeCard(event.detail.element, message.offer);
    } else if (message.offer) {
      var card = document.querySelector('[data-offer-card="' + message.offer.id + '"]');
      if (card) {
        refresh(card);
      }
    }
    if (message.order) {
      window.clearTimeout(timer);
      timer = window.setTimeout(refreshOpenCards, REFRESH_DELAY_MS);
    }
  });
})();

// Quick replies in the chat composer (templates/chat/partials/quick_reply_picker.html): the
// toggle shows the seller's snippets (loaded once by htmx); a click inserts one into the message
// being written, at the cursor. Nothing is sent: the seller reviews and presses Send.
(function () {
  "use strict";
  if (window.quickRepliesBound) {
    return;
  }
  window.quickRepliesBound = true;

  function insert(input, text) {
    var start = input.selectionStart === undefined ? input.value.length : input.selectionStart;
    var end = input.selectionEnd === undefined ? input.value.length : input.selectionEnd;
    var before = input.value.slice(0, start);
    var after = input.value.slice(end);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    var inserted = spacer + text;
    var limit = input.maxLength > 0 ? input.maxLength : Infinity;
    inserted = inserted.slice(0, Math.max(0, limit - before.length - after.length));
    input.value = before + inserted + after;
    var caret = before.length + inserted.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    // The chat's own listeners (typing indicator) see it as typing.
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-quick-reply-toggle]");
    if (toggle) {
      var menu = toggle.parentElement.querySelector("[data-quick-reply-menu]");
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      menu.hidden = open;
      return;
    }
    var button = event.target.closest("[data-quick-reply]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    var input = form && form.querySelector("[data-chat-input]");
    if (input) {
      insert(input, button.dataset.body);
    }
    var picker = button.closest("[data-quick-replies]");
    picker.querySelector("[data-quick-reply-menu]").hidden = true;
    picker.querySelector("[data-quick-reply-toggle]").setAttribute("aria-expanded", "false");
  });
})();

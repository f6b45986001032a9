/*
 * Live notification bell (docs/chat.md, "Notifications socket"). Every signed-in page opens
 * /ws/notifications/; a "changed" frame makes htmx reload the bell partial (the element's
 * hx-trigger listens for "notifications-changed" on the body). No polling: after a reconnect
 * the bell is reloaded once, in case a push was missed while the socket was down.
 */
(function () {
  "use strict";

  var CLOSE_SESSION_CHANGED = 4001;
  var CLOSE_NOT_AUTHENTICATED = 4401;
  var BACKOFF_MAX_MS = 60000;
  var PING_MS = 30000;

  function changed() {
    document.body.dispatchEvent(new CustomEvent("notifications-changed"));
  }

  function start(bell) {
    var attempt = 0;
    var pingTimer = null;
    var awaitingPong = false;

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + bell.dataset.notificationsSocket);
      socket.addEventListener("open", function () {
        if (attempt > 0) {
          changed();
        }
        attempt = 0;
        awaitingPong = false;
        clearInterval(pingTimer);
        pingTimer = setInterval(function () {
          if (awaitingPong) {
            socket.close(); // no pong for a whole period: a dead connection
            return;
          }
          awaitingPong = true;
          socket.send(JSON.stringify({ type: "ping" }));
        }, PING_MS);
      });
      socket.addEventListener("message", function (event) {
        var frame;
        try {
          frame = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (frame.type === "changed") {
          changed();
        } else if (frame.type === "pong") {
          awaitingPong = false;
        }
      });
      socket.addEventListener("close", function (event) {
        clearInterval(pingTimer);
        if (event.code === CLOSE_NOT_AUTHENTICATED) {
          return;
        }
        if (event.code === CLOSE_SESSION_CHANGED) {
          attempt = 1; // reconnect now, and reload the bell once connected
          connect();
          return;
        }
        var delay = Math.min(BACKOFF_MAX_MS, 1000 * Math.pow(2, attempt));
        delay = delay / 2 + Math.random() * (delay / 2);
        attempt += 1;
        setTimeout(connect, delay);
      });
    }

    connect();
  }

  function init() {
    var bell = document.querySelector("[data-notifications-socket]");
    if (bell && !bell.dataset.notificationsStarted) {
      bell.dataset.notificationsStarted = "true";
      start(bell);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

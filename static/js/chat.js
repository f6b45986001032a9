/*
 * The negotiation chat client (protocol: docs/chat.md). One instance per [data-chat-negotiation]
 * element. User text is only ever set with textContent; links are built as <a> elements.
 */
(function () {
  "use strict";

  var CLOSE_SESSION_CHANGED = 4001;
  var CLOSE_NOT_AUTHENTICATED = 4401;
  var CLOSE_NOT_FOUND = 4404;
  var BACKOFF_MAX_MS = 30000;
  // Two servers routinely deliver out of order: a seq gap gets this long to fill by itself
  // before the client asks the REST API for the missing messages.
  var GAP_WAIT_MS = 400;
  var RETRY_BASE_MS = 1000;
  var EARLIER_PAGE = 50;
  var TYPING_SEND_INTERVAL_MS = 3000;
  var TYPING_SHOW_MS = 4000;
  var URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // The reader's language, as the server rendered the page (<html lang>); an unknown tag
  // falls back to the browser's default locale.
  function pageLocale() {
    var lang = document.documentElement.lang;
    try {
      return lang && Intl.DateTimeFormat.supportedLocalesOf([lang]).length ? lang : [];
    } catch (error) {
      return [];
    }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  /* Appends text to parent, turning http(s) URLs into safe links. */
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      var parsed = null;
      try {
        parsed = new URL(url);
      } catch (e) {
        parsed = null;
      }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
        return match;
      }
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = parsed.href;
      link.textContent = url;
      link.rel = "noopener noreferrer nofollow";
      link.target = "_blank";
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function Chat(root) {
    this.root = root;
    this.negotiationId = Number(root.dataset.chatNegotiation);
    this.userId = Number(root.dataset.chatUser);
    this.side = root.dataset.chatSide || null;
    this.canWrite = root.dataset.chatCanWrite === "true";
    this.socketPath = root.dataset.chatSocket;
    this.messagesUrl = root.dataset.chatMessagesUrl;
    this.lastRead = Number(root.dataset.chatLastRead || 0);
    this.strings = root.querySelector("[data-chat-strings]").dataset;
    this.list = root.querySelector("[data-chat-messages]");
    this.banner = root.querySelector("[data-chat-banner]");
    this.typingLine = root.querySelector("[data-chat-typing]");
    this.unreadBadge = root.querySelector("[data-chat-unread]");
    this.presence = root.querySelector("[data-chat-presence]");
    this.form = root.querySelector("[data-chat-form]");
    this.input = root.querySelector("[data-chat-input]");
    this.fileInput = root.querySelector("[data-chat-file]");
    this.formError = root.querySelector("[data-chat-form-error]");
    this.earlierButton = root.querySelector("[data-chat-earlier]");

    this.bySeq = {}; // seq -> message data
    this.elements = {}; // id -> <li>
    this.pending = []; // unacknowledged {clientId, body, element, sentOn}, in send order
    this.contiguousSeq = 0; // every message up to this seq is shown
    this.contiguousId = 0; // the id of that message: the catch-up cursor
    this.maxSeq = 0;
    this.earliestId = 0; // the oldest message shown: paging back starts below it
    this.baseUnknown = false; // hello with last_id 0 replays the newest page only
    this.generation = 0; // one per socket: a pending message goes out once per socket
    this.retryTimer = null; // the one timer that resends after rate_limited
    this.retryAttempt = 0;
    this.gapTimer = null;
    this.loadingEarlier = false;
    this.otherRead = 0;
    this.socket = null;
    this.ready = false;
    this.closedForGood = false;
    this.attempt = 0;
    this.heartbeatMs = 20000;
    this.heartbeatTimer = null;
    this.pongDeadline = null;
    this.reconnectTimer = null;
    this.lastTypingSent = 0;
    this.typingTimer = null;
    this.fetching = false;
    this.readTimer = null;

    this.bind();
    this.connect();
  }

  Chat.prototype.t = function (name, values) {
    var text = this.strings[name] || name;
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    return text;
  };

  Chat.prototype.bind = function () {
    var self = this;
    if (this.form) {
      this.form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.submit();
      });
      this.input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          self.submit();
        }
      });
      this.input.addEventListener("input", function () {
        self.sendTyping();
      });
      this.fileInput.addEventListener("change", function () {
        if (self.fileInput.files.length) {
          self.upload(self.fileInput.files[0]);
        }
      });
    }
    if (this.earlierButton) {
      this.earlierButton.addEventListener("click", function () {
        self.loadEarlier();
      });
    }
    document.addEventListener("visibilitychange", function () {
      self.markReadSoon();
    });
    // Browsers keep a dead socket open for a long time when the network goes away: treat
    // the offline event as a disconnect and the online event as the moment to reconnect.
    window.addEventListener("offline", function () {
      if (self.socket) {
        self.socket.close();
      }
    });
    window.addEventListener("online", function () {
      if (!self.socket && !self.closedForGood) {
        clearTimeout(self.reconnectTimer);
        self.attempt = 0;
        self.connect();
      }
    });
  };

  Chat.prototype.connect = function () {
    var self = this;
    if (this.closedForGood) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.socketPath);
    this.socket = socket;
    this.generation += 1;
    socket.addEventListener("open", function () {
      // With nothing held, the server replays the newest page only: its first message sets
      // where this window's history starts (older pages: "Load earlier messages").
      self.baseUnknown = self.contiguousSeq === 0 && self.maxSeq === 0;
      socket.send(JSON.stringify({ type: "hello", last_id: self.contiguousId }));
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      self.handle(frame);
    });
    socket.addEventListener("close", function (event) {
      if (self.socket === socket) {
        self.disconnected(event.code);
      }
    });
  };

  Chat.prototype.disconnected = function (code) {
    var self = this;
    this.socket = null;
    this.ready = false;
    clearInterval(this.heartbeatTimer);
    this.setOnline(false);
    if (code === CLOSE_NOT_AUTHENTICATED || code === CLOSE_NOT_FOUND) {
      this.closedForGood = true;
      this.showBanner(this.t("closed"));
      return;
    }
    if (code === CLOSE_SESSION_CHANGED) {
      // The password changed: this session reconnects at once (a stale one then gets 4401).
      this.attempt = 0;
      this.connect();
      return;
    }
    this.showBanner(this.t("reconnecting"));
    if (navigator.onLine === false) {
      return; // the online event reconnects
    }
    var delay = Math.min(BACKOFF_MAX_MS, 1000 * Math.pow(2, this.attempt));
    delay = delay / 2 + Math.random() * (delay / 2);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(function () {
      self.connect();
    }, delay);
  };

  Chat.prototype.showBanner = function (text) {
    this.banner.textContent = text || "";
    this.banner.hidden = !text;
    this.root.classList.toggle("chat--offline", Boolean(text));
  };

  Chat.prototype.send = function (frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  };

  Chat.prototype.handle = function (frame) {
    switch (frame.type) {
      case "message":
        this.add(frame.message);
        break;
      case "ready":
        this.onReady(frame);
        break;
      case "ack":
        this.onAck(frame);
        break;
      case "read":
        this.onRead(frame.side, frame.last_read_id);
        break;
      case "typing":
        this.onTyping(frame);
        break;
      case "presence":
        if (frame.side !== this.side) {
          this.setOnline(frame.online);
        }
        break;
      case "pong":
        this.pongDeadline = null;
        this.onState(frame);
        if (frame.more) {
          this.fetchMissing();
        }
        break;
      case "error":
        this.onError(frame);
        break;
      default:
        break;
    }
  };

  Chat.prototype.onReady = function (frame) {
    var self = this;
    this.ready = true;
    this.attempt = 0;
    this.showBanner("");
    this.heartbeatMs = (frame.heartbeat || 20) * 1000;
    this.baseUnknown = false;
    this.onState(frame);
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(function () {
      self.heartbeat();
    }, this.heartbeatMs);
    if (this.earlierButton && frame.earlier) {
      this.earlierButton.hidden = false;
    }
    if (frame.more) {
      this.fetchMissing(); // the replay was one bounded page: the rest comes over REST
    }
    // Messages written while we were away go out again with their ids (stored once), each
    // once on this socket; during a rate-limit pause the retry timer sends them.
    this.flushPending();
    this.markReadSoon();
  };

  /* Sends every pending message not yet sent on the current socket. */
  Chat.prototype.flushPending = function () {
    var self = this;
    if (!this.ready || this.retryTimer) {
      return;
    }
    this.pending.forEach(function (item) {
      if (item.sentOn !== self.generation && self.send({ type: "message", client_id: item.clientId, body: item.body })) {
        item.sentOn = self.generation;
      }
    });
  };

  /* One timer for all rate-limited messages: exponential backoff with jitter, at least the
   * server's retry_after; it resends what is pending when it fires. */
  Chat.prototype.scheduleRetry = function (retryAfterSeconds) {
    var self = this;
    if (this.retryTimer) {
      return;
    }
    var delay = Math.min(BACKOFF_MAX_MS, RETRY_BASE_MS * Math.pow(2, this.retryAttempt));
    delay = Math.max(delay, (retryAfterSeconds || 1) * 1000);
    delay += Math.random() * delay * 0.3;
    this.retryAttempt += 1;
    this.retryTimer = setTimeout(function () {
      self.retryTimer = null;
      self.flushPending();
    }, delay);
  };

  Chat.prototype.onState = function (frame) {
    if (frame.read) {
      var other = this.side === "buyer" ? "seller" : "buyer";
      this.onRead(other, frame.read[other] || 0);
    }
    if (typeof frame.online === "boolean") {
      this.setOnline(frame.online);
    }
  };

  /* The heartbeat asks for anything after what we have, and notices a dead connection. */
  Chat.prototype.heartbeat = function () {
    if (this.pongDeadline && Date.now() > this.pongDeadline) {
      this.socket.close();
      return;
    }
    if (this.send({ type: "ping", last_id: this.contiguousId })) {
      this.pongDeadline = this.pongDeadline || Date.now() + 2 * this.heartbeatMs;
    }
  };

  Chat.prototype.add = function (message) {
    if (this.bySeq[message.seq]) {
      return;
    }
    if (this.baseUnknown) {
      this.baseUnknown = false;
      this.contiguousSeq = message.seq - 1;
    }
    this.bySeq[message.seq] = message;
    if (!this.earliestId || message.id < this.earliestId) {
      this.earliestId = message.id;
    }
    var pending = this.takePending(message);
    var element = pending ? pending.element : this.render(message);
    if (pending) {
      this.fill(element, message);
    }
    this.place(element, message.seq);
    this.elements[message.id] = element;
    // Other parts of the pane (offers.js: the offer cards) follow the conversation from here.
    this.list.dispatchEvent(
      new CustomEvent("chat:message", { bubbles: true, detail: { message: message, element: element } })
    );
    this.maxSeq = Math.max(this.maxSeq, message.seq);
    while (this.bySeq[this.contiguousSeq + 1]) {
      this.contiguousSeq += 1;
      this.contiguousId = this.bySeq[this.contiguousSeq].id;
    }
    if (this.maxSeq > this.contiguousSeq) {
      this.gapSoon();
    }
    this.updateStatus(message);
    this.updateUnread();
    this.markReadSoon();
  };

  Chat.prototype.takePending = function (message) {
    if (!message.sender || message.sender.id !== this.userId || !message.client_id) {
      return null;
    }
    for (var i = 0; i < this.pending.length; i += 1) {
      if (this.pending[i].clientId === message.client_id) {
        return this.pending.splice(i, 1)[0];
      }
    }
    return null;
  };

  /* Keeps the list in seq order; a message fetched to fill a gap goes where it belongs. */
  Chat.prototype.place = function (element, seq) {
    element.dataset.seq = String(seq);
    var children = this.list.children;
    var before = null;
    for (var i = children.length - 1; i >= 0; i -= 1) {
      var childSeq = Number(children[i].dataset.seq || Infinity);
      if (childSeq <= seq) {
        break;
      }
      before = children[i];
    }
    var atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.insertBefore(element, before);
    if (atBottom || element.classList.contains("chat-msg--mine")) {
      this.list.scrollTop = this.list.scrollHeight;
    }
  };

  Chat.prototype.render = function (message) {
    var item = document.createElement("li");
    item.className = "chat-msg";
    this.fill(item, message);
    return item;
  };

  Chat.prototype.fill = function (item, message) {
    var mine = message.sender && message.sender.id === this.userId;
    item.className = "chat-msg chat-msg--" + (message.kind === "system" ? "system" : mine ? "mine" : "theirs");
    item.dataset.id = String(message.id);
    item.dataset.seq = String(message.seq);
    item.textContent = "";

    var meta = document.createElement("p");
    meta.className = "chat-meta";
    var who = document.createElement("span");
    who.className = "chat-author";
    who.textContent = message.sender ? message.sender.name : this.t("system");
    var when = document.createElement("time");
    when.dateTime = message.created_at;
    // The page's language (the reader's), not the browser's: "23:11" for a German reader.
    when.textContent = new Date(message.created_at).toLocaleTimeString(pageLocale(), {
      hour: "2-digit",
      minute: "2-digit",
    });
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(when);
    item.appendChild(meta);

    if (message.body) {
      var body = document.createElement("p");
      body.className = "chat-body";
      appendLinkified(body, message.body);
      item.appendChild(body);
    }
    if (message.attachment) {
      item.appendChild(this.renderAttachment(message.attachment));
    }
    if (message.order && message.order.url) {
      var link = document.createElement("a");
      link.className = "chat-version-link";
      link.href = message.order.url;
      link.textContent = this.t("viewVersion", {});
      item.appendChild(link);
    }
    if (mine) {
      var status = document.createElement("span");
      status.className = "chat-status";
      status.dataset.chatStatus = "sent";
      status.textContent = this.t("sent");
      item.appendChild(status);
    }
  };

  Chat.prototype.renderAttachment = function (attachment) {
    var link = document.createElement("a");
    link.className = "chat-attachment";
    link.href = attachment.url;
    link.rel = "noopener";
    if (attachment.content_type.indexOf("image/") === 0) {
      var image = document.createElement("img");
      image.src = attachment.url;
      image.alt = attachment.name;
      image.loading = "lazy";
      link.appendChild(image);
    } else {
      link.textContent = attachment.name;
    }
    return link;
  };

  Chat.prototype.setStatus = function (element, state) {
    var status = element && element.querySelector("[data-chat-status]");
    if (status) {
      status.dataset.chatStatus = state;
      status.textContent = this.t(state);
    }
  };

  Chat.prototype.updateStatus = function (message) {
    if (message.sender && message.sender.id === this.userId && message.id <= this.otherRead) {
      this.setStatus(this.elements[message.id], "read");
    }
  };

  Chat.prototype.onAck = function (frame) {
    this.retryAttempt = 0;
    this.add(frame.message);
  };

  Chat.prototype.onRead = function (side, lastReadId) {
    if (!side || side === this.side || lastReadId <= this.otherRead) {
      return;
    }
    this.otherRead = lastReadId;
    var self = this;
    Object.keys(this.bySeq).forEach(function (seq) {
      self.updateStatus(self.bySeq[seq]);
    });
  };

  Chat.prototype.onTyping = function (frame) {
    var self = this;
    if (frame.side === this.side) {
      return;
    }
    this.typingLine.textContent = this.t("typing", { name: frame.name });
    this.typingLine.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      self.typingLine.hidden = true;
    }, TYPING_SHOW_MS);
  };

  Chat.prototype.onError = function (frame) {
    var item = null;
    var self = this;
    this.pending.forEach(function (candidate) {
      if (candidate.clientId === frame.client_id) {
        item = candidate;
      }
    });
    if (frame.code === "rate_limited") {
      this.showError(this.t("tooFast"));
      if (item) {
        item.sentOn = 0; // not stored: the retry timer sends it again
      }
      this.scheduleRetry(frame.retry_after);
      return;
    }
    if (item) {
      this.pending.splice(this.pending.indexOf(item), 1);
      this.setStatus(item.element, "failed");
      item.element.classList.add("chat-msg--failed");
    }
    var errors = frame.errors || {};
    var first = Object.keys(errors)[0];
    this.showError(first ? errors[first][0] : frame.detail);
  };

  Chat.prototype.showError = function (text) {
    if (!this.formError) {
      return;
    }
    this.formError.textContent = text || "";
    this.formError.hidden = !text;
  };

  Chat.prototype.submit = function () {
    var body = this.input.value.trim();
    if (!body) {
      return;
    }
    this.showError("");
    var clientId = newClientId();
    var element = this.render({
      id: 0,
      seq: Infinity,
      kind: "text",
      sender: { id: this.userId, name: "" },
      body: body,
      created_at: new Date().toISOString(),
    });
    element.classList.add("chat-msg--pending");
    element.querySelector(".chat-author").textContent = "";
    this.setStatus(element, "sending");
    this.list.appendChild(element);
    this.list.scrollTop = this.list.scrollHeight;
    this.pending.push({ clientId: clientId, body: body, element: element, sentOn: 0 });
    this.input.value = "";
    this.flushPending();
  };

  Chat.prototype.upload = function (file) {
    var self = this;
    var data = new FormData();
    data.append("attachment", file);
    data.append("client_id", newClientId());
    data.append("body", this.input.value.trim());
    this.showError("");
    fetch(this.messagesUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) {
            var errors = json.attachment || json.body || [json.detail || self.t("uploadFailed")];
            throw new Error(errors[0]);
          }
          self.input.value = "";
          self.add(json);
        });
      })
      .catch(function (error) {
        self.showError(error.message || self.t("uploadFailed"));
      })
      .finally(function () {
        self.fileInput.value = "";
      });
  };

  Chat.prototype.sendTyping = function () {
    var now = Date.now();
    if (now - this.lastTypingSent > TYPING_SEND_INTERVAL_MS && this.ready) {
      this.lastTypingSent = now;
      this.send({ type: "typing" });
    }
  };

  /* A gap in the seqs: usually two servers delivering out of order, so it gets GAP_WAIT_MS to
   * fill by itself; if it is still there, the layer dropped something and REST fills it. */
  Chat.prototype.gapSoon = function () {
    var self = this;
    if (this.gapTimer) {
      return;
    }
    this.gapTimer = setTimeout(function () {
      self.gapTimer = null;
      if (self.maxSeq > self.contiguousSeq) {
        self.fetchMissing();
      }
    }, GAP_WAIT_MS);
  };

  /* "Load earlier messages": the page before the oldest shown, over REST. */
  Chat.prototype.loadEarlier = function () {
    var self = this;
    if (this.loadingEarlier || !this.earliestId) {
      return;
    }
    this.loadingEarlier = true;
    this.earlierButton.disabled = true;
    var url = this.messagesUrl + "?before_id=" + this.earliestId + "&limit=" + EARLIER_PAGE;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (page) {
        // Keep what the reader looks at in place while older messages go in above it.
        var fromBottom = self.list.scrollHeight - self.list.scrollTop;
        page.results.forEach(function (message) {
          self.add(message);
        });
        self.list.scrollTop = self.list.scrollHeight - fromBottom;
        self.earlierButton.hidden = !page.has_more;
      })
      .catch(function () {
        self.showError(self.t("loadFailed"));
      })
      .finally(function () {
        self.loadingEarlier = false;
        self.earlierButton.disabled = false;
      });
  };

  Chat.prototype.fetchMissing = function () {
    var self = this;
    if (this.fetching) {
      return;
    }
    this.fetching = true;
    var after = this.contiguousId;
    fetch(this.messagesUrl + "?after_id=" + after + "&limit=200", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (page) {
        self.fetching = false;
        page.results.forEach(function (message) {
          self.add(message);
        });
        if (page.has_more && self.contiguousId > after) {
          self.fetchMissing();
        }
      })
      .catch(function () {
        self.fetching = false;
      });
  };

  Chat.prototype.isOthers = function (message) {
    return message.side !== this.side;
  };

  Chat.prototype.updateUnread = function () {
    if (!this.unreadBadge) {
      return;
    }
    var self = this;
    var count = 0;
    Object.keys(this.bySeq).forEach(function (seq) {
      var message = self.bySeq[seq];
      if (message.id > self.lastRead && self.isOthers(message)) {
        count += 1;
      }
    });
    this.unreadBadge.textContent = String(count);
    this.unreadBadge.hidden = count === 0;
  };

  Chat.prototype.markReadSoon = function () {
    var self = this;
    if (document.visibilityState !== "visible" || !this.ready || !this.side) {
      return;
    }
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(function () {
      if (self.contiguousId > self.lastRead && self.send({ type: "read", last_id: self.contiguousId })) {
        self.lastRead = self.contiguousId;
        self.updateUnread();
      }
    }, 300);
  };

  Chat.prototype.setOnline = function (online) {
    if (!this.presence) {
      return;
    }
    this.presence.dataset.online = online ? "true" : "false";
    this.presence.querySelector("[data-chat-presence-label]").textContent = this.t(
      online ? "online" : "offline"
    );
  };

  function start() {
    var roots = document.querySelectorAll("[data-chat-negotiation]");
    Array.prototype.forEach.call(roots, function (root) {
      if (!root.chat) {
        root.chat = new Chat(root);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:load", start);
})();

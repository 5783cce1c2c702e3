// A space's live page: the socket, the log, the composer and the moderator controls.
// The page is readable without this file; this adds live updates and posting.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("space-config").textContent);
  const log = document.getElementById("log");
  const connection = document.getElementById("connection");
  const typingLine = document.getElementById("typing");
  const onlineList = document.getElementById("online");
  const composer = document.getElementById("composer");
  const loadOlder = document.getElementById("load-older");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
  const REACTIONS = ["👍", "🎉", "❤️", "🙏", "💡"];

  let lastSeq = config.lastSeq;       // the newest seq this page has shown
  let firstSeq = config.firstSeq;     // the oldest seq this page has shown
  let role = config.role;
  let socket = null;
  let retryDelay = 500;
  let replyTo = null;
  let lastTypingSent = 0;
  const online = new Set();
  const myReactions = new Set();      // "seq emoji" pairs this page added
  const typingTimers = new Map();

  // ---- REST ---------------------------------------------------------------------------------
  async function api(method, path, body) {
    const response = await fetch(`/api/v1/${path}`, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && (data.detail || Object.values(data).flat().join(" "));
      throw new Error(detail || response.statusText);
    }
    return data;
  }

  // ---- Rendering ----------------------------------------------------------------------------
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderMessage(message) {
    const item = element("li", "message" + (message.deleted ? " deleted" : ""));
    item.id = `m${message.seq}`;
    item.dataset.seq = message.seq;
    item.dataset.author = message.author.username;
    const head = element("div", "message-head");
    head.append(element("strong", "author", message.author.display_name));
    const anchor = element("a", "seq", `#${message.seq}`);
    anchor.href = `#m${message.seq}`;
    head.append(anchor);
    if (message.topic) head.append(element("span", "topic", message.topic));
    const time = element("time", "", formatTime(message.created_at));
    time.dateTime = message.created_at;
    head.append(time);
    if (message.edited_at) head.append(element("span", "edited", "(edited)"));
    if (message.pinned) head.append(element("span", "badge", "Pinned"));
    item.append(head);
    if (message.reply_to) {
      const ref = element("a", "reply-ref", `↪ #${message.reply_to}`);
      ref.href = `#m${message.reply_to}`;
      item.append(ref);
    }
    const body = element("div", "body");
    if (message.deleted) body.append(element("em", "", "This message was deleted."));
    else body.innerHTML = message.html; // sanitized on the server (markdown-it + nh3)
    item.append(body);
    item.append(renderReactions(message.seq, message.reactions));
    item.append(renderActions(message));
    return item;
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang || undefined,
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function renderReactions(seq, reactions) {
    const box = element("div", "reactions");
    for (const [emoji, count] of Object.entries(reactions || {})) {
      box.append(element("span", "reaction", `${emoji} ${count}`));
    }
    return box;
  }

  function renderActions(message) {
    const actions = element("div", "message-actions");
    if (message.deleted || role === "visitor" || !config.me) return actions;
    for (const emoji of REACTIONS) {
      const button = element("button", "link react", emoji);
      button.type = "button";
      button.title = `React with ${emoji}`;
      button.addEventListener("click", () => toggleReaction(message.seq, emoji));
      actions.append(button);
    }
    const reply = element("button", "link", "Reply");
    reply.type = "button";
    reply.addEventListener("click", () => startReply(message));
    actions.append(reply);
    if (message.author.username === config.me || role === "moderator") {
      const remove = element("button", "link", "Delete");
      remove.type = "button";
      remove.addEventListener("click", () => send({ type: "message.delete", seq: message.seq }));
      actions.append(remove);
    }
    if (message.author.username === config.me) {
      const edit = element("button", "link", "Edit");
      edit.type = "button";
      edit.addEventListener("click", () => {
        const body = window.prompt("Edit your message", message.body);
        if (body !== null && body.trim()) send({ type: "message.edit", seq: message.seq, body });
      });
      actions.append(edit);
    }
    if (role === "moderator") {
      const pin = element("button", "link", message.pinned ? "Unpin" : "Pin");
      pin.type = "button";
      pin.addEventListener("click", () => api(message.pinned ? "DELETE" : "POST", `messages/${message.id}/pin/`).catch(showError));
      actions.append(pin);
    }
    return actions;
  }

  function atBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }

  function appendMessage(message) {
    document.getElementById("empty-log")?.remove();
    const stick = atBottom();
    const existing = document.getElementById(`m${message.seq}`);
    if (existing) existing.replaceWith(renderMessage(message));
    else log.append(renderMessage(message));
    if (stick || message.author.username === config.me) log.lastElementChild.scrollIntoView({ block: "end" });
  }

  function prependMessages(messages) {
    const anchor = log.firstElementChild;
    for (const message of messages) log.insertBefore(renderMessage(message), anchor);
  }

  // ---- The socket ---------------------------------------------------------------------------
  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/spaces/${config.slug}/?after=${lastSeq}`);
    socket.addEventListener("open", () => { retryDelay = 500; setConnection(""); });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      const final = { 4401: "Log in to follow this space live.", 4403: "You can no longer read this space.",
                      4404: "This space is not available." }[event.code];
      if (final) { setConnection(final); return; }
      setConnection("Reconnecting…");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    else showError(new Error("Not connected; trying again."));
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello":
        role = frame.role;
        online.clear();
        frame.online.forEach((name) => online.add(name));
        renderOnline();
        break;
      case "message.new":
        if (frame.message.seq <= lastSeq) break; // already shown
        if (frame.message.seq > lastSeq + 1) fillGap(lastSeq, frame.message.seq);
        lastSeq = frame.message.seq;
        appendMessage(frame.message);
        clearTyping(frame.message.author.username);
        markRead();
        break;
      case "message.updated":
        if (document.getElementById(`m${frame.message.seq}`)) appendMessage(frame.message);
        break;
      case "reaction": {
        const item = document.getElementById(`m${frame.seq}`);
        if (item) item.querySelector(".reactions").replaceWith(renderReactions(frame.seq, frame.reactions));
        break;
      }
      case "typing":
        showTyping(frame.username);
        break;
      case "presence":
        if (frame.online) online.add(frame.username); else online.delete(frame.username);
        renderOnline();
        break;
      case "history.truncated":
        loadOlder.hidden = false;
        break;
      case "space.updated":
        config.locked = frame.space.locked;
        document.getElementById("space-status").textContent = frame.space.locked ? "Locked" : "";
        break;
      case "error":
        showError(new Error(frame.detail + (frame.retry_after ? ` (${frame.retry_after} s)` : "")));
        break;
      default:
        break;
    }
  }

  // A jump in seq means events were missed: read them from the REST API.
  async function fillGap(after, upTo) {
    const data = await api("GET", `spaces/${config.slug}/messages/?after=${after}&limit=200`);
    data.results.filter((m) => m.seq < upTo).forEach(appendMessage);
  }

  function setConnection(text) {
    connection.textContent = text;
    connection.hidden = !text;
  }

  function renderOnline() {
    onlineList.replaceChildren(...[...online].sort().map((name) => element("li", "", name)));
  }

  function showTyping(username) {
    clearTimeout(typingTimers.get(username));
    typingTimers.set(username, setTimeout(() => clearTyping(username), 4000));
    renderTyping();
  }

  function clearTyping(username) {
    clearTimeout(typingTimers.get(username));
    typingTimers.delete(username);
    renderTyping();
  }

  function renderTyping() {
    const names = [...typingTimers.keys()];
    typingLine.textContent = names.length ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…` : "";
  }

  function markRead() {
    if (!config.me || role === "visitor" || document.hidden || !atBottom()) return;
    send({ type: "read", seq: lastSeq });
  }

  function toggleReaction(seq, emoji) {
    const key = `${seq} ${emoji}`;
    const adding = !myReactions.has(key);
    if (adding) myReactions.add(key); else myReactions.delete(key);
    send({ type: adding ? "reaction.add" : "reaction.remove", seq, emoji });
  }

  function startReply(message) {
    replyTo = message.seq;
    const line = document.getElementById("replying");
    line.querySelector("span").textContent = `Replying to #${message.seq} by ${message.author.display_name}`;
    line.hidden = false;
    document.getElementById("composer-body").focus();
  }

  function showError(error) {
    const target = document.getElementById("composer-error") || connection;
    target.textContent = error.message;
    target.hidden = false;
    setTimeout(() => { if (target.textContent === error.message) target.textContent = ""; }, 8000);
  }

  // ---- Composer, history paging, moderation ---------------------------------------------------
  if (composer) {
    const body = document.getElementById("composer-body");
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!body.value.trim()) return;
      const topic = document.getElementById("composer-topic").value.trim();
      send({ type: "message.send", body: body.value, client_id: crypto.randomUUID(),
             topic: topic || undefined, reply_to: replyTo || undefined });
      body.value = "";
      replyTo = null;
      document.getElementById("replying").hidden = true;
    });
    body.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); composer.requestSubmit(); }
    });
    body.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 3000) { lastTypingSent = now; send({ type: "typing" }); }
    });
    document.getElementById("cancel-reply").addEventListener("click", () => {
      replyTo = null;
      document.getElementById("replying").hidden = true;
    });
  }

  async function pageOlder() {
    if (firstSeq <= 1) { loadOlder.hidden = true; return; }
    const data = await api("GET", `spaces/${config.slug}/messages/?before=${firstSeq}&limit=50`);
    if (data.results.length) {
      prependMessages(data.results);
      firstSeq = data.results[0].seq;
    }
    loadOlder.hidden = firstSeq <= 1;
  }

  loadOlder.hidden = firstSeq <= 1;
  loadOlder.addEventListener("click", () => pageOlder().catch(showError));
  window.addEventListener("scroll", () => {
    if (window.scrollY < 40 && !loadOlder.hidden) pageOlder().catch(showError);
    markRead();
  });
  document.addEventListener("visibilitychange", markRead);

  const moderation = document.getElementById("mod-user");
  if (moderation) {
    moderation.addEventListener("submit", (event) => {
      event.preventDefault();
      const kind = event.submitter.value;
      const minutes = parseInt(document.getElementById("mod-minutes").value, 10);
      const payload = { username: document.getElementById("mod-username").value,
                        reason: document.getElementById("mod-reason").value, minutes: minutes || undefined };
      api("POST", `spaces/${config.slug}/${kind}/`, payload)
        .then(() => { document.getElementById("mod-error").textContent = `${kind === "bans" ? "Banned" : "Muted"} ${payload.username}.`; })
        .catch((error) => { document.getElementById("mod-error").textContent = error.message; });
    });
    document.getElementById("toggle-lock").addEventListener("click", (event) => {
      api("PATCH", `spaces/${config.slug}/`, { locked: !config.locked })
        .then((space) => {
          config.locked = space.locked;
          event.target.textContent = space.locked ? "Unlock the space" : "Lock the space";
        })
        .catch(showError);
    });
  }

  // Server-rendered messages get their action buttons once the page knows who it is.
  for (const item of log.querySelectorAll("li.message")) {
    const message = { seq: Number(item.dataset.seq), author: { username: item.dataset.author },
                      deleted: item.classList.contains("deleted"), body: item.querySelector(".body").innerText };
    if (!message.deleted && config.me && role !== "visitor") item.append(renderActionsForRendered(message));
  }

  function renderActionsForRendered(message) {
    // Pin needs the message id, which the page fetches lazily when a moderator pins.
    const actions = renderActions({ ...message, id: null, pinned: false });
    actions.querySelectorAll("button").forEach((button) => {
      if (button.textContent === "Pin") button.remove();
    });
    return actions;
  }

  connect();
  markRead();
})();

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
  const list = document.getElementById("message-list");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const REACTIONS = ["👍", "🎉", "❤️", "🙏", "💡"];
  // Django's JavaScript catalog (/i18n/js/, loaded by base.html) in the page's language.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((text, values) => text.replace(/%\(\w+\)s/g, (m) => values[m.slice(2, -2)]));

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
  // A message reads author, then text, then the details (as discussions/_message.html renders it):
  // what a screen reader announces for a new message, and reads first when moving through the list.
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function authorName(author) {
    return author.display_name || author.username;
  }

  function renderMessage(message) {
    const item = element("li", "message" + (message.deleted ? " deleted" : ""));
    item.id = `m${message.seq}`;
    item.tabIndex = -1;
    item.dataset.seq = message.seq;
    item.dataset.id = message.id;
    item.dataset.author = message.author.username;
    item.dataset.authorName = authorName(message.author);
    if (message.pinned) item.dataset.pinned = "";
    // What people wrote takes its own direction (an English message on an Arabic page).
    const author = element("strong", "author", authorName(message.author));
    author.dir = "auto";
    item.append(author);
    const body = element("div", "body");
    if (message.deleted) body.append(element("em", "", gettext("This message was deleted.")));
    else { body.dir = "auto"; body.innerHTML = message.html; } // sanitized on the server (markdown-it + nh3)
    item.append(body);
    const meta = element("p", "message-meta");
    if (message.reply_to) {
      const ref = element("a", "reply-ref", interpolate(gettext("In reply to #%(seq)s"), { seq: message.reply_to }, true));
      ref.href = `#m${message.reply_to}`;
      meta.append(ref, " ");
    }
    const anchor = element("a", "seq", `#${message.seq}`);
    anchor.href = `#m${message.seq}`;
    meta.append(anchor, " ");
    if (message.topic) {
      const topic = element("span", "topic", message.topic);
      topic.dir = "auto";
      meta.append(topic, " ");
    }
    const time = element("time", "", formatTime(message.created_at));
    time.dateTime = message.created_at;
    meta.append(time);
    if (message.edited_at) meta.append(" ", element("span", "edited", gettext("(edited)")));
    if (message.pinned) meta.append(" ", element("span", "badge", gettext("Pinned")));
    item.append(meta);
    item.append(renderReactions(message.seq, message.reactions));
    const actions = renderActions(message);
    if (actions) item.append(actions);
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

  // What a message read from the page (server-rendered) is known as; the rest is fetched on demand.
  function messageFromItem(item) {
    return { seq: Number(item.dataset.seq), id: Number(item.dataset.id), deleted: item.classList.contains("deleted"),
             pinned: "pinned" in item.dataset,
             author: { username: item.dataset.author, display_name: item.dataset.authorName } };
  }

  // A message's actions are one toolbar: one stop in the tab order, arrow keys move within it.
  function renderActions(message) {
    if (message.deleted || role === "visitor" || !config.me) return null;
    const actions = element("div", "message-actions");
    actions.setAttribute("role", "toolbar");
    actions.setAttribute("aria-label", interpolate(gettext("Actions on message #%(seq)s"), { seq: message.seq }, true));
    function add(action, text, label) {
      const button = element("button", "action", text);
      button.type = "button";
      button.dataset.action = action;
      button.tabIndex = -1;
      if (label) button.setAttribute("aria-label", label);
      actions.append(button);
      return button;
    }
    for (const emoji of REACTIONS) {
      add("react", emoji, interpolate(gettext("React with %(emoji)s"), { emoji }, true)).dataset.emoji = emoji;
    }
    add("reply", gettext("Reply"));
    if (message.author.username === config.me) add("edit", gettext("Edit"));
    if (message.author.username === config.me || role === "moderator") add("delete", gettext("Delete"));
    if (role === "moderator") {
      add("pin", message.pinned ? gettext("Unpin") : gettext("Pin"));
      if (message.author.username !== config.me) add("moderate", gettext("Moderate"));
    }
    return actions;
  }

  function runAction(item, button) {
    const message = messages.get(Number(item.dataset.seq)) || messageFromItem(item);
    switch (button.dataset.action) {
      case "react": toggleReaction(message.seq, button.dataset.emoji); break;
      case "reply": startReply(message); break;
      case "edit": startEdit(item).catch(showError); break;
      case "delete": send({ type: "message.delete", seq: message.seq }); break;
      case "pin": api(message.pinned ? "DELETE" : "POST", `messages/${message.id}/pin/`).catch(showError); break;
      case "moderate": startModeration(message); break;
      default: break;
    }
  }

  // ---- The live region ----------------------------------------------------------------------
  // Only new messages are announced. Whatever else changes inside the log (its buttons, older
  // messages, edits, reactions, the edit form) changes while the region is quiet
  // (aria-live="off"); it speaks again two frames later, once the browser has passed the change on
  // to assistive technology, and a new message that arrives meanwhile waits for that.
  let quietChanges = 0;
  const waitingToBeAnnounced = [];

  function quietly(change) {
    if (quietChanges++ === 0) log.setAttribute("aria-live", "off");
    try {
      change();
    } finally {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (--quietChanges > 0) return;
        log.setAttribute("aria-live", "polite");
        waitingToBeAnnounced.splice(0).forEach((announce) => announce());
      }));
    }
  }

  function aloud(change) {
    if (quietChanges) waitingToBeAnnounced.push(change);
    else change();
  }

  // ---- Focus in the log ---------------------------------------------------------------------
  // One message at a time is in the tab order (roving tabindex): Tab reaches the log once, the
  // arrow keys move between messages, Tab again reaches that message's links and its toolbar.
  // Messages that arrive never take focus, and a message re-rendered under focus keeps it.
  let current = null;
  const INNER_FOCUSABLE = "a[href], input, textarea, select, button:not(.action)";

  function setTabbable(item, on) {
    item.tabIndex = on ? 0 : -1;
    item.querySelectorAll(INNER_FOCUSABLE).forEach((node) => { node.tabIndex = on ? 0 : -1; });
    const toolbar = item.querySelector(".message-actions");
    if (toolbar) {
      const buttons = [...toolbar.querySelectorAll("button")];
      const chosen = buttons.find((button) => actionKey(button) === toolbar.dataset.current) || buttons[0];
      buttons.forEach((button) => { button.tabIndex = on && button === chosen ? 0 : -1; });
    }
  }

  function actionKey(button) {
    return button.dataset.action + (button.dataset.emoji || "");
  }

  function makeCurrent(item) {
    if (current === item) return;
    if (current && current.isConnected) setTabbable(current, false);
    current = item;
    setTabbable(item, true);
  }

  function messageItems() {
    return [...list.querySelectorAll(":scope > li.message")];
  }

  function scrollOptions() {
    return { block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" };
  }

  list.addEventListener("focusin", (event) => {
    const item = event.target.closest("li.message");
    if (item) makeCurrent(item);
    const toolbar = event.target.closest(".message-actions");
    if (toolbar && event.target.dataset.action) {
      toolbar.dataset.current = actionKey(event.target);
      toolbar.querySelectorAll("button").forEach((button) => { button.tabIndex = button === event.target ? 0 : -1; });
    }
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest(".message-actions button");
    if (button) runAction(button.closest("li.message"), button);
  });

  list.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const item = event.target.closest("li.message");
    if (!item) return;
    const toolbar = event.target.closest(".message-actions");
    if (toolbar) {
      toolbarKey(event, item, toolbar);
      return;
    }
    if (event.target !== item) return; // a link or the edit form inside the message
    const items = messageItems();
    const index = items.indexOf(item);
    let target = null;
    switch (event.key) {
      case "ArrowUp":
        if (index === 0 && !loadOlder.hidden) { event.preventDefault(); pageOlder(true).catch(showError); return; }
        target = items[index - 1];
        break;
      case "ArrowDown": target = items[index + 1]; break;
      case "PageUp": target = items[Math.max(0, index - 10)]; break;
      case "PageDown": target = items[Math.min(items.length - 1, index + 10)]; break;
      case "Home": target = items[0]; break;
      case "End": target = items[items.length - 1]; break;
      case "r": case "R": case "e": case "E": {
        const action = event.key.toLowerCase() === "r" ? "reply" : "edit";
        const button = item.querySelector(`.message-actions [data-action="${action}"]`);
        if (button) { event.preventDefault(); runAction(item, button); }
        return;
      }
      default: return;
    }
    event.preventDefault();
    if (target) target.focus();
  });

  function toolbarKey(event, item, toolbar) {
    const buttons = [...toolbar.querySelectorAll("button")];
    const index = buttons.indexOf(event.target);
    const forward = document.documentElement.dir === "rtl" ? "ArrowLeft" : "ArrowRight";
    const backward = forward === "ArrowRight" ? "ArrowLeft" : "ArrowRight";
    let target = null;
    switch (event.key) {
      case forward: target = buttons[(index + 1) % buttons.length]; break;
      case backward: target = buttons[(index - 1 + buttons.length) % buttons.length]; break;
      case "Home": target = buttons[0]; break;
      case "End": target = buttons[buttons.length - 1]; break;
      case "Escape": target = item; break;
      default: return;
    }
    event.preventDefault();
    target.focus();
  }

  // ---- Showing messages ---------------------------------------------------------------------
  const messages = new Map(); // seq → the message as the server sent it (live or read through REST)

  function atBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }

  function appendMessage(message) {
    messages.set(message.seq, message);
    aloud(() => {
      const existing = document.getElementById(`m${message.seq}`);
      if (existing) { updateMessage(existing, message); return; }
      // Follow the conversation only when the reader is at its end and not reading in the log:
      // scrolling away from a focused message would hide the focus.
      const readingInLog = log.contains(document.activeElement);
      const follow = !readingInLog && (atBottom() || message.author.username === config.me);
      const empty = document.getElementById("empty-log");
      if (empty) quietly(() => empty.remove());
      const item = renderMessage(message);
      setTabbable(item, false);
      // In seq order, also when a gap is filled after a newer message arrived.
      const later = messageItems().find((shown) => Number(shown.dataset.seq) > message.seq);
      list.insertBefore(item, later || null);
      // The log's stop in the tab order follows the newest message, unless the reader is in the log.
      if (!readingInLog || !current || !current.isConnected) makeCurrent(item);
      if (follow) item.scrollIntoView(scrollOptions());
    });
  }

  // A message shown already changed (edited, deleted, pinned): its parts are replaced in place,
  // quietly; focus stays on the same control, or on the message when that control is gone.
  function updateMessage(item, message) {
    const fresh = renderMessage(message);
    const focused = item.contains(document.activeElement) ? document.activeElement : null;
    const editing = item.querySelector(".edit-form");
    quietly(() => {
      item.className = fresh.className;
      if (message.pinned) item.dataset.pinned = ""; else delete item.dataset.pinned;
      const currentAction = item.querySelector(".message-actions")?.dataset.current;
      for (const part of [".author", ".body", ".message-meta", ".reactions", ".message-actions"]) {
        const old = item.querySelector(`:scope > ${part}`);
        const replacement = fresh.querySelector(`:scope > ${part}`);
        if (old && replacement) old.replaceWith(replacement);
        else if (old) old.remove();
        else if (replacement) item.append(replacement);
      }
      if (currentAction && item.querySelector(".message-actions")) item.querySelector(".message-actions").dataset.current = currentAction;
      if (editing && !message.deleted) item.querySelector(".body").hidden = true;
      else editing?.remove();
    });
    setTabbable(item, item === current);
    if (focused && !focused.isConnected) {
      const same = focused.dataset.action
        && [...item.querySelectorAll(".message-actions button")].find((button) => actionKey(button) === actionKey(focused));
      (same || item).focus();
    }
  }

  function prependMessages(older) {
    const anchor = list.firstElementChild;
    const items = older.map((message) => {
      messages.set(message.seq, message);
      const item = renderMessage(message);
      setTabbable(item, false);
      return item;
    });
    quietly(() => items.forEach((item) => list.insertBefore(item, anchor)));
    return items;
  }

  // ---- The socket ---------------------------------------------------------------------------
  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/spaces/${config.slug}/?after=${lastSeq}`);
    socket.addEventListener("open", () => { retryDelay = 500; setConnection(""); });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      const final = { 4401: gettext("Log in to follow this space live."),
                      4403: gettext("You can no longer read this space."),
                      4404: gettext("This space is not available.") }[event.code];
      if (final) { setConnection(final); return; }
      setConnection(gettext("Reconnecting…"));
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    else showError(new Error(gettext("Not connected; trying again.")));
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
        if (item) quietly(() => item.querySelector(".reactions").replaceWith(renderReactions(frame.seq, frame.reactions)));
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
        document.getElementById("space-status").textContent = frame.space.locked ? gettext("Locked") : "";
        break;
      case "error":
        showError(new Error(frame.detail + (frame.retry_after
          ? " " + interpolate(ngettext("(try again in %(seconds)s second)", "(try again in %(seconds)s seconds)",
                                       frame.retry_after), { seconds: frame.retry_after }, true)
          : "")));
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
    typingLine.textContent = names.length
      ? interpolate(ngettext("%(names)s is typing…", "%(names)s are typing…", names.length),
                    { names: new Intl.ListFormat(document.documentElement.lang || undefined).format(names) }, true)
      : "";
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
    if (!composer) return;
    replyTo = message.seq;
    const line = document.getElementById("replying");
    // The author's name in its own <bdi> (issue 14.7): a bidi override in it must not reorder the sentence.
    const [before, after] = interpolate(gettext("Replying to #%(seq)s by %(author)s"),
      { seq: message.seq, author: "\u0000" }, true).split("\u0000");
    line.querySelector("span").replaceChildren(before, element("bdi", "", authorName(message.author)), after ?? "");
    line.hidden = false;
    document.getElementById("composer-body").focus();
  }

  function cancelReply() {
    replyTo = null;
    document.getElementById("replying").hidden = true;
  }

  // Editing happens in place: the message's text becomes a form (Enter saves, Shift+Enter starts a
  // new line, Escape cancels); focus comes back to the message, or to its Edit button on cancel.
  async function startEdit(item) {
    if (item.querySelector(".edit-form")) { item.querySelector(".edit-form textarea").focus(); return; }
    const seq = Number(item.dataset.seq);
    const known = messages.get(seq)
      || (await api("GET", `spaces/${config.slug}/messages/?after=${seq - 1}&limit=1`)).results[0];
    const form = element("form", "edit-form");
    const field = element("textarea");
    field.id = `edit-${seq}`;
    field.dir = "auto";
    field.rows = 3;
    field.maxLength = 10000;
    field.value = known.body;
    const label = element("label", "visually-hidden", gettext("Edit your message"));
    label.htmlFor = field.id;
    const row = element("div", "composer-row");
    const save = element("button", "", gettext("Save"));
    save.type = "submit";
    const cancel = element("button", "secondary", gettext("Cancel"));
    cancel.type = "button";
    row.append(save, cancel);
    form.append(label, field, row);
    const body = item.querySelector(":scope > .body");
    function close(focusTarget) {
      quietly(() => { form.remove(); body.hidden = false; });
      focusTarget.focus();
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (field.value.trim() && field.value !== known.body) send({ type: "message.edit", seq, body: field.value });
      close(item);
    });
    cancel.addEventListener("click", () => close(item.querySelector('[data-action="edit"]') || item));
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      if (event.key === "Escape") { event.preventDefault(); cancel.click(); }
    });
    quietly(() => { body.hidden = true; body.after(form); });
    setTabbable(item, item === current);
    field.focus();
  }

  // A moderator's "Moderate" on a message: the moderation form, filled in with its author.
  function startModeration(message) {
    const username = document.getElementById("mod-username");
    if (!username) return;
    username.value = message.author.username;
    username.focus();
    username.select();
  }

  function showError(error) {
    const target = document.getElementById("composer-error") || connection;
    target.textContent = error.message;
    target.hidden = false;
    setTimeout(() => { if (target.textContent === error.message) target.textContent = ""; }, 8000);
  }

  // ---- Mention completion -------------------------------------------------------------------
  // Typing "@" offers the expert groups (@objective-9-experts, @general-experts: a question to an
  // objective's experts). The message box stays focused and owns the keys (as in the ARIA combobox
  // pattern, on a textbox: a textarea takes no combobox role, so no aria-expanded): the suggestions
  // are a listbox it controls, the highlighted one its aria-activedescendant, and a status line
  // says when they appear; Down and Up move, Enter or Tab pick, Escape closes. The groups are read
  // once from /api/v1/expert-groups/ (titles in the page's language).
  // Enough to reach objective 9 from "@obj" with the arrows; not a scrolling list (a scrolling
  // region would need a keyboard stop of its own, and focus stays in the message box).
  const MAX_SUGGESTIONS = 10;
  let expertGroups = null;

  function mentionCompletion(field) {
    const listbox = element("ul", "mention-suggestions");
    listbox.id = "mention-suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", gettext("Suggestions"));
    listbox.hidden = true;
    const status = element("p", "visually-hidden");
    status.id = "mention-status";
    status.setAttribute("role", "status");
    field.after(listbox, status);
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", listbox.id);
    let options = [];
    let active = -1;
    let token = null; // {start, end} of the "@word" being completed

    function close() {
      listbox.hidden = true;
      listbox.replaceChildren();
      options = [];
      active = -1;
      token = null;
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
      if (index < 0) { field.removeAttribute("aria-activedescendant"); return; }
      field.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      const name = options[index].dataset.name;
      const before = field.value.slice(0, token.start);
      const after = field.value.slice(token.end);
      const inserted = `@${name} `;
      field.value = before + inserted + after.replace(/^ /, "");
      const caret = before.length + inserted.length;
      field.setSelectionRange(caret, caret);
      close();
      status.textContent = interpolate(gettext("%(name)s inserted"), { name: `@${name}` }, true);
    }

    async function groups() {
      if (expertGroups === null) expertGroups = (await api("GET", "expert-groups/")).results;
      return expertGroups;
    }

    async function suggest() {
      const caret = field.selectionStart;
      const match = /(^|[^\w@])@([\w.+-]*)$/u.exec(field.value.slice(0, caret));
      if (!match || field.selectionEnd !== caret) { close(); return; }
      const typed = match[2].toLowerCase();
      const found = (await groups()).filter((group) => group.name.startsWith(typed)
        || (typed && group.title.toLowerCase().includes(typed))).slice(0, MAX_SUGGESTIONS);
      if (field.selectionStart !== caret) return; // typed on meanwhile: a later call answers
      if (!found.length) { close(); return; }
      token = { start: caret - match[2].length - 1, end: caret };
      options = found.map((group, index) => {
        const option = element("li", "mention-option");
        option.id = `mention-option-${index}`;
        option.setAttribute("role", "option");
        option.dataset.name = group.name;
        const name = element("span", "mention-name", `@${group.name}`);
        name.dir = "ltr"; // a handle reads left to right in every language
        const title = element("span", "mention-title", group.title);
        title.dir = "auto";
        option.append(name, " ", title);
        option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
        return option;
      });
      listbox.replaceChildren(...options);
      listbox.hidden = false;
      highlight(0);
      status.textContent = interpolate(ngettext("%(count)s suggestion; up and down to choose, Enter to insert",
        "%(count)s suggestions; up and down to choose, Enter to insert", found.length), { count: found.length }, true);
    }

    field.addEventListener("input", () => { suggest().catch(close); });
    field.addEventListener("blur", () => { setTimeout(close, 0); });
    field.addEventListener("keydown", (event) => {
      if (listbox.hidden || !options.length) return;
      switch (event.key) {
        case "ArrowDown": highlight((active + 1) % options.length); break;
        case "ArrowUp": highlight((active - 1 + options.length) % options.length); break;
        case "Enter": case "Tab":
          if (active < 0 || event.shiftKey) return;
          pick(active);
          break;
        case "Escape": close(); break;
        default: return;
      }
      event.preventDefault();
      event.stopImmediatePropagation(); // not also a send, a new line or a cancelled reply
    });
  }

  // ---- Composer, history paging, moderation ---------------------------------------------------
  if (composer) {
    // The message box is sticky at the bottom: the page's scroll padding keeps focused messages
    // clear of it (WCAG 2.4.11), so it needs its height.
    new ResizeObserver(() => {
      document.documentElement.style.setProperty("--sticky-block-end", `${composer.offsetHeight}px`);
    }).observe(composer);
    const body = document.getElementById("composer-body");
    mentionCompletion(body); // first: its keys (Enter, Escape) come before the composer's own
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!body.value.trim()) return;
      const topic = document.getElementById("composer-topic").value.trim();
      send({ type: "message.send", body: body.value, client_id: crypto.randomUUID(),
             topic: topic || undefined, reply_to: replyTo || undefined });
      body.value = "";
      cancelReply();
    });
    body.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); composer.requestSubmit(); }
      if (event.key === "Escape" && replyTo !== null) { event.preventDefault(); cancelReply(); }
    });
    body.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 3000) { lastTypingSent = now; send({ type: "typing" }); }
    });
    document.getElementById("cancel-reply").addEventListener("click", () => {
      cancelReply();
      body.focus(); // the button that had focus is hidden now
    });
  }

  // Older messages go above; with ``focusLoaded`` (the reader asked for them by key or button) focus
  // moves to the newest of them, next to where the reader was, as the button may hide.
  let paging = null;
  function pageOlder(focusLoaded = false) {
    paging = paging || readOlder().finally(() => { paging = null; });
    return paging.then((items) => { if (focusLoaded && items.length) items[items.length - 1].focus(); });
  }

  async function readOlder() {
    if (firstSeq <= 1) { loadOlder.hidden = true; return []; }
    const data = await api("GET", `spaces/${config.slug}/messages/?before=${firstSeq}&limit=50`);
    let items = [];
    if (data.results.length) {
      items = prependMessages(data.results);
      firstSeq = data.results[0].seq;
    }
    loadOlder.hidden = firstSeq <= 1;
    return items;
  }

  loadOlder.hidden = firstSeq <= 1;
  loadOlder.addEventListener("click", () => pageOlder(true).catch(showError));
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
        .then(() => { document.getElementById("mod-error").textContent = interpolate(
          kind === "bans" ? gettext("Banned %(username)s.") : gettext("Muted %(username)s."), { username: payload.username }, true); })
        .catch((error) => { document.getElementById("mod-error").textContent = error.message; });
    });
    document.getElementById("toggle-lock").addEventListener("click", (event) => {
      api("PATCH", `spaces/${config.slug}/`, { locked: !config.locked })
        .then((space) => {
          config.locked = space.locked;
          event.target.textContent = space.locked ? gettext("Unlock the space") : gettext("Lock the space");
        })
        .catch(showError);
    });
  }

  // Server-rendered messages get their toolbars once the page knows who it is (quietly: this is not
  // news), and the newest message is the log's stop in the tab order.
  quietly(() => {
    for (const item of messageItems()) {
      const actions = renderActions(messageFromItem(item));
      if (actions) item.append(actions);
      setTabbable(item, false);
    }
  });
  const newest = messageItems().pop();
  if (newest) makeCurrent(newest);

  connect();
  markRead();
})();

// The header's notification bell: keeps its unread count live over /ws/notifications/.
// Without this file the bell is a plain link to the inbox with the count of the page load.
"use strict";

(() => {
  const bell = document.querySelector("[data-notification-bell]");
  if (!bell || !("WebSocket" in window)) return;
  const count = bell.querySelector("[data-count]");
  const label = bell.querySelector("[data-count-label]");
  const MAX_DELAY = 30000;
  let retryDelay = 1000;

  function show(unread) {
    const value = Math.max(0, Number(unread) || 0);
    count.textContent = String(value);
    count.hidden = value === 0;
    label.hidden = value === 0;
    bell.dataset.unread = String(value);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${bell.dataset.socket}`);
    socket.addEventListener("open", () => { retryDelay = 1000; });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame.type === "unread") {
        show(frame.notifications);
      } else if (frame.type === "notification.new") {
        bell.classList.remove("ring");
        void bell.offsetWidth; // restart the animation
        bell.classList.add("ring");
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4401) return; // logged out: the next page load shows the truth
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, MAX_DELAY);
    });
  }

  connect();
})();

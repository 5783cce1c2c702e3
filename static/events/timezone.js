// Progressive enhancement: pages work without it (times are then shown in UTC).
// Remembers the browser's time zone in a cookie so the server shows times in it; when the page was
// drawn in another zone, it is drawn again once (not in a loop: the cookie now matches).
"use strict";
(function () {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  const current = document.cookie.split("; ").find((item) => item.startsWith("hub_tz="));
  if (current && current.slice("hub_tz=".length) === zone) return;
  // IANA names (letters, digits, "/", "_", "+", "-") need no escaping in a cookie.
  if (!/^[A-Za-z0-9/_+-]+$/.test(zone)) return;
  document.cookie = "hub_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  const shown = document.querySelector("[data-viewer-zone]");
  if (shown && shown.dataset.viewerZone !== zone && navigator.cookieEnabled) {
    window.location.reload();
  }
})();

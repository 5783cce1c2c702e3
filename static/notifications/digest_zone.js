// Progressive enhancement for the notification settings: while the digest's time zone is still the
// default (UTC), offer the browser's zone. Nothing is saved until the person saves the form.
"use strict";
(function () {
  const fieldset = document.querySelector("[data-suggest-zone]");
  if (!fieldset) return;
  const select = fieldset.querySelector("select[name=timezone]");
  if (!select || select.value !== "UTC") return;
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || zone === "UTC") return;
  const option = Array.from(select.options).find((item) => item.value === zone);
  if (!option) return;
  select.value = zone;
  const note = document.getElementById("zone-suggested");
  if (note) note.hidden = false;
})();

// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");

// The language picker changes language as soon as a language is chosen.
document.querySelectorAll(".language-picker").forEach((form) => {
  const select = form.querySelector("select");
  const button = form.querySelector("button");
  if (button) button.hidden = true;
  select.addEventListener("change", () => form.submit());
});

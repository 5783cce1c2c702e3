// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");

// The language picker changes language as soon as a language is chosen with the pointer. With the
// keyboard, the arrow keys change a closed select's value one step at a time: submitting then would
// reload the page in the next language at the first key press (WCAG 3.2.2), so the button comes
// back instead, and Enter (on the select or the button) changes the language.
document.querySelectorAll(".language-picker").forEach((form) => {
  const select = form.querySelector("select");
  const button = form.querySelector("button");
  let byKeyboard = false;
  if (button) button.hidden = true;
  select.addEventListener("keydown", (event) => {
    byKeyboard = true;
    if (event.key === "Enter") { event.preventDefault(); form.submit(); }
  });
  select.addEventListener("pointerdown", () => { byKeyboard = false; });
  select.addEventListener("change", () => {
    if (!byKeyboard || !button) form.submit();
    else button.hidden = false;
  });
});

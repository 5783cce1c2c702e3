// The expert directory and the resource library as you type: progressive enhancement only.
// Without this file each page is a plain GET form ("Apply filters" reloads it).
//
// As the user types or ticks, the form is sent again (debounced) with partial=1; the server
// answers with the same templates the page was made from (the count, every facet's counts, the
// results), and this swaps them in place: no navigation, the focus stays where it was, the URL
// follows along (history.replaceState) and the count is announced by its aria-live region.
"use strict";

(() => {
  const form = document.querySelector("form[data-live-search]");
  if (!form || !window.fetch || !window.AbortController) return;
  const DEBOUNCE_MS = 200;
  const results = document.getElementById("results");
  const countLine = document.getElementById("result-count");
  let timer = null;
  let inFlight = null;

  form.querySelectorAll(".apply-filters").forEach((button) => { button.hidden = true; });
  form.classList.add("live");

  function params() {
    const data = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      // An empty q or the "All" kind is no filter; a new search starts at its first page.
      if (value !== "" && key !== "page") data.append(key, value);
    }
    return data;
  }

  // Counts, disabled and hidden states of every facet value from the fresh answer; the ticks
  // themselves stay as the user left them.
  function updateOptions(fresh) {
    fresh.querySelectorAll("[data-option]").forEach((freshItem) => {
      const item = document.querySelector(`[data-option="${CSS.escape(freshItem.dataset.option)}"]`);
      if (!item) return;
      const count = item.querySelector(".count");
      const freshCount = freshItem.querySelector(".count");
      if (count && freshCount) {
        count.textContent = freshCount.textContent;
        if (freshCount.hasAttribute("aria-label")) count.setAttribute("aria-label", freshCount.getAttribute("aria-label"));
      }
      item.className = freshItem.className;
      item.hidden = freshItem.hidden;
      const input = item.querySelector("input");
      const freshInput = freshItem.querySelector("input");
      if (input && freshInput) input.disabled = freshInput.disabled && !input.checked;
    });
  }

  async function refresh() {
    if (inFlight) inFlight.abort(); // a stale answer must never overwrite a newer one
    const controller = new AbortController();
    inFlight = controller;
    const query = params();
    const partial = new URLSearchParams(query);
    partial.set("partial", "1");
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${form.action}?${partial}`, {
        signal: controller.signal,
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(response.statusText);
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      if (controller.signal.aborted) return;
      results.replaceChildren(...fresh.getElementById("results").childNodes);
      updateOptions(fresh);
      const text = fresh.getElementById("result-count").textContent.trim();
      if (countLine.textContent.trim() !== text) countLine.textContent = text;
      const search = query.toString();
      history.replaceState(history.state, "", search ? `${form.action}?${search}` : form.action);
    } catch (error) {
      if (error.name !== "AbortError") form.submit(); // the server page still works
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        form.removeAttribute("aria-busy");
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  form.addEventListener("input", (event) => {
    if (event.target.type === "search" || event.target.type === "text") schedule();
  });
  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox" || event.target.type === "radio") schedule();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
})();

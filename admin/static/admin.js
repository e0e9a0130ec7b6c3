// The admin's behaviour: select-all for actions, confirmations, slugs
// filled while typing, and foreign-key autocomplete. Loaded from the same
// origin (the Content-Security-Policy allows nothing inline).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  themeToggle();
  focusForm();
  actions();
  prepopulate();
  document.querySelectorAll(".autocomplete").forEach(autocomplete);
});

function actions() {
  const toggle = document.getElementById("action-toggle");
  const boxes = Array.from(document.querySelectorAll("input.action-select"));
  const counter = document.querySelector(".action-counter");
  const across = document.querySelector("input.select-across");
  // Shown only when the list has more rows than this page.
  const question = document.querySelector(".actions .question");
  const all = document.querySelector(".actions .all-selected");
  const clear = document.querySelector(".actions .clear-selection");
  if (!boxes.length) return;
  // Every row the list's filters keep, not only this page's: the server
  // reads `select_across` and ignores the ticked boxes.
  const selectAcross = (on) => {
    if (across) across.value = on ? "1" : "0";
    if (all) all.hidden = !on;
    if (clear) clear.hidden = !on;
    if (counter) counter.hidden = on;
    if (question) question.hidden = true;
  };
  const update = () => {
    const checked = boxes.filter((b) => b.checked).length;
    if (counter) counter.textContent = `${checked} of ${boxes.length} selected`;
    if (toggle) toggle.checked = checked === boxes.length;
    boxes.forEach((b) => b.closest("tr").classList.toggle("selected", b.checked));
    selectAcross(false);
    if (question) question.hidden = checked !== boxes.length;
  };
  if (question) {
    question.querySelector("a").addEventListener("click", (e) => {
      e.preventDefault();
      selectAcross(true);
    });
  }
  if (clear) {
    clear.querySelector("a").addEventListener("click", (e) => {
      e.preventDefault();
      boxes.forEach((b) => { b.checked = false; });
      update();
    });
  }
  boxes.forEach((b) => b.addEventListener("change", update));
  if (toggle) {
    toggle.addEventListener("change", () => {
      boxes.forEach((b) => { b.checked = toggle.checked; });
      update();
    });
  }
  update();
}

// The header's switch: the system's theme, light, dark, in turn, kept in
// a cookie that the server reads to send the page in the chosen theme.
function themeToggle() {
  const button = document.querySelector(".theme-toggle");
  if (!button) return;
  const root = document.documentElement;
  const names = { "": "auto", light: "light", dark: "dark" };
  const next = { "": "light", light: "dark", dark: "" };
  const show = () => {
    const name = names[root.dataset.theme || ""];
    button.textContent = `Theme: ${name}`;
    button.setAttribute("aria-label", `Theme: ${name}. Switch theme`);
  };
  button.hidden = false;
  button.addEventListener("click", () => {
    const theme = next[root.dataset.theme || ""];
    if (theme) {
      root.dataset.theme = theme;
      document.cookie = `admin_theme=${theme}; path=/; max-age=31536000; SameSite=Lax`;
    } else {
      delete root.dataset.theme;
      document.cookie = "admin_theme=; path=/; max-age=0; SameSite=Lax";
    }
    show();
  });
  show();
}

// After a failed submit, the first field in error; on an add page, the
// first field to fill.
function focusForm() {
  const form = document.querySelector("form.model-form");
  if (!form) return;
  const invalid = form.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus();
    return;
  }
  if (!form.hasAttribute("data-adding")) return;
  const first = form.querySelector(
    ".form-row input:not([type=hidden]):not([readonly]), .form-row select, .form-row textarea",
  );
  if (first) first.focus();
}

// "Slug" from "Title": lower case, ASCII letters, digits and dashes.
function slugify(text, maxLength) {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9\s_-]/g, "")
    .trim()
    .replace(/[\s_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return maxLength ? slug.slice(0, maxLength).replace(/-+$/, "") : slug;
}

function prepopulate() {
  document.querySelectorAll("[data-prepopulate-from]").forEach((target) => {
    const sources = target.dataset.prepopulateFrom
      .split(",")
      .map((id) => document.getElementById(id))
      .filter(Boolean);
    // Only fill an empty field, and stop once the user edits it.
    let follow = target.value === "";
    target.addEventListener("input", () => { follow = false; });
    const fill = () => {
      if (!follow) return;
      const max = parseInt(target.getAttribute("maxlength") || "0", 10);
      target.value = slugify(sources.map((s) => s.value).join(" "), max);
    };
    sources.forEach((s) => s.addEventListener("input", fill));
  });
}

function autocomplete(box) {
  const input = box.querySelector(".autocomplete-input");
  const hidden = box.querySelector(".autocomplete-value");
  const list = box.querySelector(".autocomplete-results");
  let timer = null;
  let active = -1;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const choose = (item) => {
    hidden.value = item.dataset.id;
    input.value = item.textContent;
    close();
  };
  const show = (results) => {
    list.replaceChildren();
    results.forEach((r, i) => {
      const li = document.createElement("li");
      li.textContent = r.text;
      li.dataset.id = r.id;
      li.id = `${list.id}_${i}`;
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(li); });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
  };
  const search = () => {
    const url = `${box.dataset.source}&term=${encodeURIComponent(input.value)}`;
    fetch(url, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => show(data.results || []))
      .catch(() => show([]));
  };
  input.addEventListener("input", () => {
    if (input.value === "") hidden.value = "";
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("focus", search);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (e) => {
    const items = Array.from(list.children);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach((li, i) => li.classList.toggle("active", i === active));
      if (items[active]) input.setAttribute("aria-activedescendant", items[active].id);
    } else if (e.key === "Enter" && active >= 0 && items[active]) {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === "Escape") {
      close();
    }
  });
}

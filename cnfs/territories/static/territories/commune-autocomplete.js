// Commune autocomplete (cnfs/territories/forms.py CommuneAutocompleteWidget).
// HTMX fills the results container; this module lets the user pick a result with the mouse or the keyboard
// (ARIA combobox pattern: focus stays in the text input, aria-activedescendant marks the current option).
// Loaded as a module: it runs once per page however many widgets there are.

const ROOT = "[data-commune-autocomplete]";

function parts(root) {
  return {
    input: root.querySelector("[data-commune-input]"),
    insee: root.querySelector("[data-commune-insee]"),
    results: root.querySelector("[data-commune-results]"),
  };
}

function options(root) {
  return Array.from(root.querySelectorAll("[data-commune-option]"));
}

function close(root) {
  const { input, results } = parts(root);
  results.replaceChildren();
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function choose(root, option) {
  const { input, insee } = parts(root);
  input.value = option.dataset.label;
  insee.value = option.dataset.insee;
  close(root);
  input.focus();
}

function highlight(root, index) {
  const list = options(root);
  const { input } = parts(root);
  list.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
  if (list[index]) {
    input.setAttribute("aria-activedescendant", list[index].id);
    list[index].scrollIntoView({ block: "nearest" });
  }
}

function current(root) {
  return options(root).findIndex((option) => option.getAttribute("aria-selected") === "true");
}

document.addEventListener("input", (event) => {
  const root = event.target.closest(ROOT);
  if (root && event.target.matches("[data-commune-input]")) {
    parts(root).insee.value = ""; // the text changed: the server resolves it again
  }
});

document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-commune-option]");
  if (option) {
    choose(option.closest(ROOT), option);
    return;
  }
  document.querySelectorAll(ROOT).forEach((root) => {
    if (!root.contains(event.target)) close(root);
  });
});

document.addEventListener("keydown", (event) => {
  if (!event.target.matches("[data-commune-input]")) return;
  const root = event.target.closest(ROOT);
  const list = options(root);
  if (!list.length) return;
  const index = current(root);
  if (event.key === "ArrowDown") {
    event.preventDefault();
    highlight(root, (index + 1) % list.length);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    highlight(root, index <= 0 ? list.length - 1 : index - 1);
  } else if (event.key === "Enter" && index >= 0) {
    event.preventDefault(); // pick the option instead of submitting the form
    choose(root, list[index]);
  } else if (event.key === "Escape") {
    close(root);
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  const root = event.target.closest(ROOT);
  if (!root) return;
  const { input } = parts(root);
  input.setAttribute("aria-expanded", options(root).length ? "true" : "false");
  input.removeAttribute("aria-activedescendant");
});

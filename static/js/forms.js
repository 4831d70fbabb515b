/* Behaviour shared by every form, driven by data attributes (no inline script: strict CSP).
 * - [data-cnfs-error-summary]: the summary of a refused form takes the focus.
 * - textarea[data-cnfs-counter]: the element it names counts the characters typed against data-cnfs-max-length.
 * - [data-cnfs-required-when="name=value"]: the field's "(facultatif)" hides while that choice is made.
 */
(function () {
  "use strict";

  function characters(text) {
    // What the server counts: code points, a line break as one character.
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function plural(count, word) {
    return count + " " + word + (count > 1 ? "s" : "");
  }

  function setupCounter(input) {
    if (input.dataset.cnfsCounterReady) {
      return;
    }
    input.dataset.cnfsCounterReady = "true";
    var output = document.getElementById(input.dataset.cnfsCounter);
    var max = parseInt(input.dataset.cnfsMaxLength, 10);
    if (!output || !max) {
      return;
    }
    var timer = null;
    function render() {
      var count = characters(input.value);
      var message = output.querySelector(".fr-message") || document.createElement("p");
      if (!message.parentNode) {
        output.appendChild(message);
      }
      if (count > max) {
        message.className = "fr-message fr-message--error";
        message.textContent = plural(count, "caractère") + " sur " + max + " : " + plural(count - max, "caractère") + " de trop.";
      } else {
        message.className = "fr-message fr-message--info";
        message.textContent = plural(count, "caractère") + " sur " + max + ".";
      }
    }
    input.addEventListener("input", function () {
      // Announced once the typing pauses, not at every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 500);
    });
    if (input.value) {
      render(); // an empty field keeps the server's "N caractères maximum."
    }
  }

  function setupCondition(input) {
    if (input.dataset.cnfsConditionReady) {
      return;
    }
    input.dataset.cnfsConditionReady = "true";
    var parts = input.dataset.cnfsRequiredWhen.split("=");
    var form = input.form;
    var label = form && input.id ? form.querySelector('label[for="' + input.id + '"] .cnfs-optional') : null;
    if (!label) {
      return;
    }
    function update() {
      var chosen = Array.prototype.some.call(form.querySelectorAll('[name="' + parts[0] + '"]'), function (element) {
        if (element.type === "checkbox" || element.type === "radio") {
          return element.checked && (parts[1] === "" || element.value === parts[1]);
        }
        return element.value === parts[1];
      });
      label.hidden = chosen;
    }
    form.addEventListener("change", update);
    update();
  }

  function setup(root) {
    root.querySelectorAll("textarea[data-cnfs-counter]").forEach(setupCounter);
    root.querySelectorAll("[data-cnfs-required-when]").forEach(setupCondition);
    var summary = root.querySelector("[data-cnfs-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setup(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    setup(event.target);
  });
})();

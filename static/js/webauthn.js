/* WebAuthn (security keys, passkeys): registration and login for the second factor. No inline script: the pages
   carry their endpoints in data attributes. Binary fields travel as base64url, as py_webauthn expects. */
(function () {
  "use strict";

  function toBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "La clé n'a pas pu être vérifiée.");
        return data;
      });
    });
  }

  function showError(root, message) {
    var target = root.querySelector("[data-webauthn-error]");
    if (!target) return;
    target.textContent = message;
    target.classList.remove("fr-hidden");
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var result = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      result.response.attestationObject = toText(response.attestationObject);
      result.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      result.response.authenticatorData = toText(response.authenticatorData);
      result.response.signature = toText(response.signature);
      if (response.userHandle) result.response.userHandle = toText(response.userHandle);
    }
    return result;
  }

  function register(form) {
    post(form.dataset.optionsUrl)
      .then(function (options) {
        options.challenge = toBytes(options.challenge);
        options.user.id = toBytes(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.create({ publicKey: options });
      })
      .then(function (credential) {
        var name = form.querySelector("[name=name]");
        return post(form.dataset.verifyUrl, { credential: credentialJSON(credential), name: name ? name.value : "" });
      })
      .then(function (data) { window.location.assign(data.redirect); })
      .catch(function (error) { showError(form, error.message || String(error)); });
  }

  function login(root) {
    post(root.dataset.optionsUrl)
      .then(function (options) {
        options.challenge = toBytes(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.get({ publicKey: options });
      })
      .then(function (credential) {
        var url = root.dataset.verifyUrl + (root.dataset.next ? "?next=" + encodeURIComponent(root.dataset.next) : "");
        return post(url, { credential: credentialJSON(credential) });
      })
      .then(function (data) { window.location.assign(data.redirect); })
      .catch(function (error) { showError(root, error.message || String(error)); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-webauthn-register]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        register(form);
      });
    });
    document.querySelectorAll("[data-webauthn-login]").forEach(function (root) {
      var button = root.querySelector("[data-webauthn-start]");
      if (button) button.addEventListener("click", function () { login(root); });
    });
  });
})();

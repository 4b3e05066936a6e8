// The signup form, sent in place: the same POST the form makes without JavaScript, to the
// form's own action (a mirror may have pointed it elsewhere). Any trouble: the form submits as usual.
(function () {
  "use strict";
  function bind(form) {
    if (form.dataset.bound) return;
    form.dataset.bound = "1";
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      var status = form.querySelector(".newsletter-status");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.textContent = form.dataset.sending;  /* the page's language (signup_block.html) */
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (answer) { return answer; });
        })
        .then(function (answer) {
          status.textContent = answer.message;
          status.className = "newsletter-status " + (answer.ok ? "is-ok" : "is-error");
          if (answer.ok) form.reset();
          button.disabled = false;
        })
        .catch(function () {
          button.disabled = false;
          form.submit();
        });
    });
  }
  function init() {
    document.querySelectorAll("form[data-newsletter-signup]").forEach(bind);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

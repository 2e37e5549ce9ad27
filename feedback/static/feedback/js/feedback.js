// The page rating in steps, as in the "modello Comuni": first the stars, then the reasons that go
// with them (what went well, or what went wrong), then a comment; sent without leaving the page.
// Without JavaScript the same form works in one go.
(function () {
  "use strict";
  var form = document.querySelector("[data-feedback-form]");
  if (!form || !window.fetch) {
    return;
  }
  var section = form.parentElement;
  var thanks = section.querySelector("[data-feedback-thanks]");
  var step = function (name) {
    return form.querySelector('[data-feedback-step="' + name + '"]');
  };
  var later = [step("positive"), step("negative"), step("comment"), form.querySelector("button")];
  var hide = function (element, hidden) {
    element.classList.toggle("d-none", hidden);
  };

  later.forEach(function (element) { hide(element, true); });
  form.querySelectorAll("[data-feedback-hint]").forEach(function (hint) { hide(hint, true); });

  form.querySelectorAll('input[name="rating"]').forEach(function (star) {
    star.addEventListener("change", function () {
      var poor = Number(star.value) <= 3;
      var shown = step(poor ? "negative" : "positive");
      var other = step(poor ? "positive" : "negative");
      other.querySelectorAll("input").forEach(function (input) { input.checked = false; });
      hide(other, true);
      hide(shown, false);
      hide(step("comment"), false);
      hide(form.querySelector("button"), false);
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      hide(form, true);
      hide(thanks, false);
      thanks.focus();
    }).catch(function () {
      form.submit();  // the plain form shows what went wrong
    });
  });
})();

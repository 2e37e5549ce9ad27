// The full text's Print button: shown and working where JavaScript runs. Without it the button
// stays hidden and the browser's own print command does the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

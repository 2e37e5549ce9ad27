// On a phone the filters would push the results a long way down: fold them, unless they have
// errors to show. Without JavaScript they simply stay open.
(function () {
  "use strict";
  var panel = document.querySelector(".network-filters-panel");
  if (!panel || panel.querySelector(".alert")) {
    return;
  }
  if (window.matchMedia("(max-width: 991.98px)").matches) {
    panel.open = false;
  }
})();

// The filters come folded, so that on a phone the results are the first thing in view. Beside
// the results, on a large screen, open them: there they push nothing down. Folding them here
// instead, on a phone, would move the results once the page is drawn (a layout shift).
(function () {
  "use strict";
  var panel = document.querySelector(".network-filters-panel");
  if (panel && window.matchMedia("(min-width: 992px)").matches) {
    panel.open = true;
  }
})();

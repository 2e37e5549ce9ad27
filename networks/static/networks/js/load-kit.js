// Bootstrap Italia's script, once the page has loaded: no page needs it to show (it keeps the
// focus ring for the keyboard and tells its version, which AgID's validator reads), so it does
// not compete with the style sheet and fonts of the first paint on a slow connection.
(function () {
  "use strict";
  var kit = document.currentScript.dataset.kit;
  window.addEventListener("load", function () {
    var script = document.createElement("script");
    script.src = kit;
    document.body.appendChild(script);
  });
})();

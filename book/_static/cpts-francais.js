/*
 * French labels for the buttons that theme scripts write in English when the page loads.
 *
 * sphinx-togglebutton gives each collapsed block (the modules' worked solutions) a button
 * whose aria-label is the fixed English « Toggle hidden content »; it adds the buttons when
 * the page's content is loaded, so the labels are rewritten on the window's load event.
 */
(function () {
  "use strict";

  var LABELS = {
    "Toggle hidden content": "Afficher ou masquer le contenu replié",
  };

  function translate() {
    document.querySelectorAll("[aria-label]").forEach(function (element) {
      var french = LABELS[element.getAttribute("aria-label")];
      if (french) {
        element.setAttribute("aria-label", french);
      }
    });
  }

  window.addEventListener("load", translate);
})();

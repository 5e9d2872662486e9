/*
 * Navigation buttons of the course book.
 *
 * pydata-sphinx-theme 0.17 puts a second, hidden ☰ (`.primary-toggle`) in the top bar, and
 * both that theme (setupMobileSidebarKeyboardHandlers) and sphinx-book-theme
 * (fixSidebarToggle) attach their click handlers to the FIRST `.primary-toggle` /
 * `.secondary-toggle` of the page only: the hidden one. The visible buttons of the article
 * header did nothing (pydata-sphinx-theme#2451, sphinx-book-theme#988).
 *
 * Fix: a click on any other toggle is forwarded to the button the themes hooked, so the
 * themes' own behaviour runs: on a phone the navigation (☰) or the page plan opens as a
 * drawer; on a wide screen ☰ hides or shows the left column.
 */
(function () {
  "use strict";

  function forwardToggleClicks() {
    ["primary-toggle", "secondary-toggle"].forEach(function (kind) {
      var buttons = document.querySelectorAll("." + kind);
      var hooked = buttons[0];
      Array.prototype.forEach.call(buttons, function (button) {
        if (button === hooked) {
          return;
        }
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          button.blur();
          hooked.click();
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", forwardToggleClicks);
  } else {
    forwardToggleClicks();
  }
})();

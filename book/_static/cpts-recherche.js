/*
 * Search results: an extract of the page's text, not of its buttons.
 *
 * Sphinx's search page shows under each result an extract of the page's main block; with
 * this theme that block starts with the page's button bar (« .md », « .pdf », « Plein
 * écran »…), so a result read « ....pdf Glossaire... ». The page's buttons, the side
 * columns and the previous/next links are taken out before the extract is cut.
 * searchtools.js loads after this file; its « Search » object is ready when the document is.
 */
(function () {
  "use strict";

  var NOT_TEXT = [
    ".bd-header-article",
    ".bd-sidebar-primary",
    ".bd-sidebar-secondary",
    ".prev-next-area",
    ".bd-footer-article",
    ".cpts-scroll-hint",
  ].join(", ");

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") {
      return;
    }
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var page = new DOMParser().parseFromString(htmlString, "text/html");
      page.querySelectorAll(NOT_TEXT).forEach(function (element) {
        element.remove();
      });
      return original(page.documentElement.outerHTML, anchor);
    };
  });
})();

/*
 * Search results: an extract of the page's text, not of its buttons.
 *
 * Sphinx's search page shows under each result an extract of the page's main block; with
 * this theme that block starts with the page's button bar (« .md », « .pdf », « Plein
 * écran »…) and the printed page's table of contents, so a result read « ....pdf
 * Glossaire... ». Those, the code cells, the side columns and the previous/next links are
 * taken out before the extract is cut.
 * searchtools.js loads after this file; its « Search » object is ready when the document is.
 */
(function () {
  "use strict";

  var NOT_TEXT = [
    "#jb-print-docs-body", // the printed page's table of contents
    ".cell_input", // the modules' code: an extract quotes the text around it
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

/*
 * Wide tables of the course book: they scroll sideways inside a frame that says so.
 *
 * Every table of the article is put in a `.cpts-table-scroll` frame (horizontal scrolling),
 * itself in a `.cpts-table-cadre`, after a hint paragraph `.cpts-scroll-hint`. When the table
 * is wider than the frame, the cadre gets the class `cpts-deborde` and the hint the class
 * `cpts-visible` (French text shown above the table); a shadow marks each edge that hides
 * columns (`cpts-suite-droite`, `cpts-suite-gauche`), updated as the reader scrolls or
 * resizes. A cell holding a sentence (more than LONG_CELL characters) gets the class
 * `cpts-cellule-longue`, a minimum width, so that it is not squeezed on a phone.
 * Printing shows whole tables (see cpts-livre.css).
 */
(function () {
  "use strict";

  var HINT = "Tableau plus large que l'écran\u00a0: faites-le défiler horizontalement ↔";
  /* A cell of more text than this keeps a readable width (cpts-livre.css) instead of
   * being squeezed into a column of two words per line on a phone: the table scrolls. */
  var LONG_CELL = 50;

  function frameTable(table) {
    var parent = table.parentElement;
    var hint = document.createElement("p");
    hint.className = "cpts-scroll-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = HINT;
    var outer = document.createElement("div");
    outer.className = "cpts-table-cadre";
    var frame = document.createElement("div");
    frame.className = "cpts-table-scroll";
    parent.insertBefore(hint, table);
    parent.insertBefore(outer, table);
    outer.appendChild(frame);
    frame.appendChild(table);
    table.querySelectorAll("td, th").forEach(function (cell) {
      if (cell.textContent.trim().length > LONG_CELL) {
        cell.classList.add("cpts-cellule-longue");
      }
    });
    return frame;
  }

  function update(frame) {
    var outer = frame.parentElement;
    var overflow = frame.scrollWidth - frame.clientWidth > 1;
    var left = frame.scrollLeft > 1;
    var right = frame.scrollLeft + frame.clientWidth < frame.scrollWidth - 1;
    outer.classList.toggle("cpts-deborde", overflow);
    outer.classList.toggle("cpts-suite-gauche", overflow && left);
    outer.classList.toggle("cpts-suite-droite", overflow && right);
    outer.previousElementSibling.classList.toggle("cpts-visible", overflow);
    // A frame that scrolls can be reached and scrolled with the keyboard.
    if (overflow) {
      var caption = frame.querySelector("caption");
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      frame.setAttribute(
        "aria-label",
        (caption ? caption.textContent.trim() + " — " : "") +
          "tableau à faire défiler horizontalement"
      );
    } else {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  }

  function setup() {
    var frames = [];
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      if (table.parentElement.closest("table")) {
        return; /* a table inside a table scrolls with its parent */
      }
      var frame = frameTable(table);
      frames.push(frame);
      frame.addEventListener(
        "scroll",
        function () {
          update(frame);
        },
        { passive: true }
      );
    });
    var updateAll = function () {
      frames.forEach(update);
    };
    updateAll();
    window.addEventListener("resize", updateAll);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(updateAll);
      frames.forEach(function (frame) {
        observer.observe(frame);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

"""Sphinx extension of the course book (listed in book/_config.yml): French search without
accents, launch buttons, French theme strings.

- **Search.** Readers type « tresorerie » as often as « trésorerie ». The French search
  language registered here strips accents (Unicode NFD, combining marks removed) before the
  Snowball French stemmer, both when Sphinx writes ``searchindex.js`` (Python) and when the
  search page stems the reader's words (the JavaScript stemmer Sphinx ships, wrapped by the
  same accent removal). Both spellings therefore reach the same index entry.
- **Launch buttons.** The JupyterHub address may come from the environment variable
  ``CPTS_JUPYTERHUB_URL`` (the training organisation's hub) instead of ``_config.yml``.
  Assessment pages get no launch button: a trainee opens them from the course's own
  JupyterLab, where nbgrader collects them.
- **Each script once per page**: sphinx-togglebutton registers its selector script twice.
- **Each id once per page**: sphinx-exercise gives every exercise's and solution's content
  the same id (``exercise-content``, ``solution-content``); each gets its block's label
  instead (``m01-ex1-contenu``, ``m01-ex1-corrige-contenu``).
- **French theme strings** that sphinx-book-theme's French catalogue lacks (the launch menu's
  tooltips, the icons' alt text): its template function ``translate`` is given them.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]
import sphinx
from docutils import nodes  # type: ignore[import-untyped]
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search import SearchLanguage
from sphinx.search.fr import french_stopwords

JUPYTERHUB_ENV = "CPTS_JUPYTERHUB_URL"
"""Environment variable giving the training organisation's JupyterHub address."""

NO_LAUNCH_PREFIXES = ("evaluations/",)
"""Pages (by document name) that never get launch buttons."""

FRENCH_THEME_STRINGS = {
    "Launch interactive content": "Ouvrir ce module dans un environnement Jupyter",
    "Launch on Binder": "Ouvrir dans Binder (service public, sans installation)",
    "Launch on JupyterHub": "Ouvrir dans le JupyterHub de votre organisme de formation",
    "logo": "(logo)",
}
"""Strings of sphinx-book-theme's header buttons missing from its French catalogue."""


def strip_accents(word: str) -> str:
    """``word`` without diacritics: « trésorerie » → « tresorerie », « Œuvre » unchanged."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sphinx_js(folder: str, name: str) -> str:
    return (Path(sphinx.__file__).parent / "search" / folder / name).read_text(encoding="utf-8")


class SearchFrenchUnaccented(SearchLanguage):
    """Sphinx's French search language, insensitive to accents."""

    lang = "fr"
    language_name = "French"
    stopwords = french_stopwords
    # No raw stemmer file: the JavaScript below is the whole stemmer (Sphinx's minified
    # Snowball stemmers, then a `Stemmer` class removing accents before stemming).
    js_stemmer_rawcode = ""
    js_stemmer_code = (
        _sphinx_js("minified-js", "base-stemmer.js")
        + "\n"
        + _sphinx_js("minified-js", "french-stemmer.js")
        + """
/* Accents removed before stemming, as in the index (book/_ext/cpts_theme.py). */
var Stemmer = function() {
  const french = new FrenchStemmer();
  this.stemWord = function(word) {
    return french.stemWord(word.normalize("NFD").replace(/[\\u0300-\\u036f]/g, ""));
  };
};
"""
    )

    def init(self, options: dict[str, str]) -> None:
        self.stemmer = snowballstemmer.stemmer("french")

    def stem(self, word: str) -> str:
        return str(self.stemmer.stemWord(strip_accents(word.lower())))


def jupyterhub_from_environment(app: Sphinx, config: Config) -> None:
    """Use ``$CPTS_JUPYTERHUB_URL`` (if set, non-empty) as the launch buttons' JupyterHub."""
    address = os.environ.get(JUPYTERHUB_ENV, "").strip()
    if not address:
        return
    options = config.html_theme_options
    options["launch_buttons"] = {**options.get("launch_buttons", {}), "jupyterhub_url": address}


def _french_tooltips(buttons: list[dict[str, Any]]) -> None:
    """Translate the tooltips (also used as aria-label of a menu) of ``buttons``, in place."""
    for button in buttons:
        tooltip = button.get("tooltip")
        if tooltip in FRENCH_THEME_STRINGS:
            button["tooltip"] = FRENCH_THEME_STRINGS[tooltip]
        _french_tooltips(button.get("buttons", []))


def adjust_header_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Runs after sphinx-book-theme built the header buttons (its priority is 501)."""
    buttons = context.get("header_buttons")
    if isinstance(buttons, list):
        if pagename.startswith(NO_LAUNCH_PREFIXES):
            buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]
        _french_tooltips(buttons)
    theme_translate = context.get("translate")
    if callable(theme_translate):

        def translate(text: str) -> str:
            return FRENCH_THEME_STRINGS.get(text) or str(theme_translate(text))

        context["translate"] = translate


def _script_key(script: Any) -> tuple[str, str]:
    """What makes two of Sphinx's page scripts the same: file and inline body."""
    attributes = getattr(script, "attributes", None) or {}
    filename = getattr(script, "filename", script) or ""  # None and "" both mean inline
    return str(filename), str(attributes.get("body", ""))


def unique_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Each script once per page (sphinx-togglebutton adds its selector twice)."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # A new list: the one in the context is the builder's own, restored for each page.
    context["script_files"] = unique


SHARED_CONTENT_IDS = ("exercise-content", "solution-content")
"""The ids sphinx-exercise gives the content of every exercise and solution of a page."""


def unique_exercise_ids(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Rename each exercise's and solution's content id after its block's own id."""
    for number, section in enumerate(doctree.findall(nodes.section), start=1):
        shared = [i for i in section["ids"] if i in SHARED_CONTENT_IDS]
        if not shared:
            continue
        parent = section.parent
        owner = parent.get("ids", []) if isinstance(parent, nodes.Element) else []
        new = f"{owner[0]}-contenu" if owner else f"{shared[0]}-{number}"
        section["ids"] = [new if i in SHARED_CONTENT_IDS else i for i in section["ids"]]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchFrenchUnaccented)
    app.connect("config-inited", jupyterhub_from_environment)
    app.connect("html-page-context", adjust_header_buttons, priority=510)
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("doctree-resolved", unique_exercise_ids)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Generated pages of the public book and the linker of its cross-references.

Pure Python, no Sphinx import: every function returns MyST Markdown text.

- :func:`link_markdown` turns, in a page's Markdown, the first occurrence of each glossary
  term into a ``{term}`` link and « le référentiel », « l'évaluation 00 », « le module 01 »
  and competency ids such as ``B5.C03`` into links to their page or anchor. It never
  touches code, inline code, links, roles, math, headings, HTML, targets, comments or the
  option lines of a directive.
- :func:`render_syllabus_page`, :func:`render_coverage_page`, :func:`render_glossary_page`
  and :func:`render_sources_page` write the « Le programme », « La couverture »,
  « Glossaire » and « Sources et paramètres » pages from the course's data files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, metadata
from numbers import Real
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.book_exercises import french_spacing
from cpts_training.dates import fr_date
from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr, format_euros, format_percent
from cpts_training.glossary import Term
from cpts_training.glossary import term as glossary_term
from cpts_training.reference import (
    UNVERIFIED_AMOUNT_LABEL,
    UNVERIFIED_VALUE_LABEL,
    Parameter,
)
from cpts_training.referentiel import Referentiel
from cpts_training.referentiel.page import competency_target
from cpts_training.syllabus import Module, Syllabus, assessment_notebooks, graded_cells


def repository_url() -> str:
    """Public address of the course's repository: the ``Repository`` entry of
    ``[project.urls]`` in ``pyproject.toml``, read from the installed package's metadata.

    Raises :class:`CPTSError` (in French) when the package is not installed or the entry
    is missing.
    """
    try:
        entries = metadata("cpts-training").get_all("Project-URL") or []
    except PackageNotFoundError:
        entries = []
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip()
    raise CPTSError(
        "L'adresse du dépôt du cours (« Repository » dans [project.urls] du fichier "
        "pyproject.toml) est introuvable : installez le cours (« make install ») avant de "
        "construire le livre."
    )


REPOSITORY_URL = repository_url()
"""Public address of the course's repository (the one place the book takes it from)."""

PLACEHOLDERS = {"{{ depot }}": REPOSITORY_URL}
"""Placeholders the static pages of ``book/`` may hold, replaced when the book is staged."""

REFERENTIEL_TARGET = "referentiel"
"""MyST target of the référentiel page (see :mod:`cpts_training.referentiel.page`)."""


def fill_placeholders(text: str) -> str:
    """``text`` with every placeholder of :data:`PLACEHOLDERS` replaced."""
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


# ----------------------------------------------------------------------------- linker


@dataclass(frozen=True)
class LinkTargets:
    """What :func:`link_markdown` may link, and where to.

    Attributes:
        terms: glossary terms, spelt as the pages write them (``"CPTS"``).
        modules: two-digit module number -> document (``{"01": "/modules/01_budget…"}``).
        assessments: two-digit number -> document (``{"00": "/evaluations/evaluation_00"}``).
        competencies: competency ids of the référentiel (``"B5.C03"``).
    """

    terms: frozenset[str] = frozenset()
    modules: Mapping[str, str] = field(default_factory=dict)
    assessments: Mapping[str, str] = field(default_factory=dict)
    competencies: frozenset[str] = frozenset()


def book_targets(
    syllabus: Syllabus, referentiel: Referentiel, terms: Iterable[Term]
) -> LinkTargets:
    """The link targets of the book built from these sources."""
    assessments = {}
    for assessment in syllabus.assessments:
        number = re.search(r"(\d{2})$", assessment.id)
        notebooks = assessment_notebooks(assessment.id)
        if number and notebooks:
            assessments[number.group(1)] = f"/evaluations/{notebooks[0].stem}"
    return LinkTargets(
        terms=frozenset(t.terme for t in terms),
        modules={m.id.removeprefix("M"): module_document(m.notebook) for m in syllabus.modules},
        assessments=assessments,
        competencies=frozenset(c.id for c in referentiel.competencies()),
    )


def module_document(notebook: str) -> str:
    """The book document of a module notebook: ``"/modules/01_budget_aci_tresorerie"``."""
    return f"/modules/{Path(notebook).stem}"


# Directives whose body is not Markdown prose: never linked.
_VERBATIM_DIRECTIVES = frozenset(
    {
        "code",
        "code-block",
        "code-cell",
        "sourcecode",
        "literalinclude",
        "math",
        "raw",
        "eval-rst",
        "glossary",
        "toctree",
        "tableofcontents",
        "include",
        "csv-table",
        "image",
        "mermaid",
        "graphviz",
        "bibliography",
    }
)

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_TARGET = re.compile(r"^\s*\([^()\s]+\)=\s*$")
_COMMENT = re.compile(r"^\s*%")
_BLOCK_BREAK = re.compile(r"^\s*\+\+\+")
_HTML_BLOCK = re.compile(
    r"""^\s{0,3}(?:
        <(?:script|pre|style|textarea)\b | <!-- | <\? | <![A-Z] | <!\[CDATA\[
      | </?(?:address|article|aside|blockquote|body|center|details|dialog|dd|div|dl|dt
          |figcaption|figure|footer|form|h[1-6]|header|hr|iframe|li|main|nav|ol|p|section
          |summary|table|tbody|td|tfoot|th|thead|tr|ul)(?:\s|/?>|$)
      | </?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>\s*$
    )""",
    re.VERBOSE | re.IGNORECASE,
)
"""The start of an HTML block (CommonMark's kinds 1 to 7)."""
_OPTION = re.compile(r"^\s*:[\w-]+:")

# Inline spans that are never linked (first match wins, left to right).
_PROTECTED = re.compile(
    r"""
      \{[\w:.+-]+\}(?P<rt>`+)[\s\S]*?(?P=rt)     # a role: {term}`CPTS`
    | (?P<bt>`+)[\s\S]*?(?P=bt)                  # inline code
    | \$\$[\s\S]*?\$\$ | \$[^$\n]+\$             # math
    | !?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^)]*\)   # link or image: [text](url)
    | !?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\[[^\]]*\]  # reference link: [text][ref]
    | \[\^[^\]]+\]                              # footnote reference
    | <(?P<tag>[A-Za-z][\w-]*)\b[^>]*>[\s\S]*?</(?P=tag)\s*>   # HTML element and content
    | <[^<>\n]+>                                # HTML tag, autolink
    | \b(?:https?://|www\.)[^\s<>)\]]+          # bare address
    | \b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|io)\b(?:/[^\s<>)\]]*)?  # domain
    | \{\{[\s\S]*?\}\}                          # substitution
    | \\.                                       # escaped character
    """,
    re.VERBOSE,
)

_REFERENCE = re.compile(
    r"""
      (?<![\w.])(?P<competency>B\d\.C\d{2})(?![\w])
    | (?<![\w])(?P<module>[Mm]odule)[ \u00a0](?P<module_number>\d{2})(?![\w])
    | (?<![\w])(?P<assessment>[ÉéEe]valuation)[ \u00a0](?P<assessment_number>\d{2})(?![\w])
    | (?<![\w])(?P<article>[Ll]e|[Dd]u|[Aa]u)(?P<space>[ \u00a0]\*{0,2})
      (?P<referentiel>référentiel)(?![\w])
    """,
    re.VERBOSE,
)


def _term_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")


def link_markdown(
    text: str,
    targets: LinkTargets,
    linked: set[str] | None = None,
    current: str | None = None,
) -> str:
    """``text`` (MyST Markdown) with its first glossary terms and references as links.

    Each target is linked once per page: ``linked`` holds the keys already linked on the
    page (``"term:CPTS"``, ``"module:01"``…) and is updated, so that the cells of one
    notebook share it. ``current`` is the page's own document (``"/modules/00_…"``) or
    ``"/referentiel"``, never linked to itself.

    The same prose gets French typography's unbreakable spaces (:func:`french_punctuation`).
    Left untouched: fenced code and verbatim directives, the fence and option lines of a
    directive, headings, targets ``(x)=``, comments, HTML blocks, and inside a paragraph
    roles, inline code, math, links, images, HTML and addresses.
    """
    linked = set() if linked is None else linked
    out: list[str] = []
    paragraph: list[str] = []
    fences: list[tuple[str, int, bool]] = []  # (character, length, body is prose)
    options_allowed = False
    in_yaml = False
    in_html = False
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            out.extend(lines[: end + 1])
            lines = lines[end + 1 :]

    def flush() -> None:
        if paragraph:
            out.append(_link_inline("\n".join(paragraph), targets, linked, current))
            paragraph.clear()

    for position, line in enumerate(lines):
        verbatim = fences and not fences[-1][2]
        fence = _FENCE.match(line)
        if fence:
            char, length = fence["fence"][0], len(fence["fence"])
            info = fence["info"].strip()
            if fences and char == fences[-1][0] and length >= fences[-1][1] and not info:
                flush()
                fences.pop()
                out.append(line)
                options_allowed = False
                continue
            if not verbatim:
                flush()
                directive = re.match(r"\{([\w:.-]+)\}", info)
                prose = directive is not None and directive.group(1) not in _VERBATIM_DIRECTIVES
                fences.append((char, length, prose))
                options_allowed = prose
                out.append(line)
                continue
        if verbatim:
            out.append(line)
            continue
        if options_allowed and (_OPTION.match(line) or line.strip() == "---"):
            if line.strip() == "---":  # options written as a YAML block
                in_yaml = not in_yaml
            out.append(line)
            continue
        if in_yaml:
            out.append(line)
            continue
        options_allowed = False
        if in_html:
            out.append(line)
            in_html = bool(line.strip())
            continue
        if not line.strip():
            flush()
            out.append(line)
            continue
        following = lines[position + 1] if position + 1 < len(lines) else ""
        if (
            _HEADING.match(line)
            or _TARGET.match(line)
            or _COMMENT.match(line)
            or _BLOCK_BREAK.match(line)
            or (paragraph == [] and _SETEXT_UNDERLINE.match(line))
        ):
            flush()
            out.append(line)
            continue
        if _HTML_BLOCK.match(line) and not paragraph:
            out.append(line)
            in_html = True
            continue
        if _SETEXT_UNDERLINE.match(following) and "|" not in following:
            # A setext heading (its underline follows), or the last line before a rule.
            flush()
            out.append(line)
            continue
        paragraph.append(line)
    flush()
    return "\n".join(out)


def _link_inline(text: str, targets: LinkTargets, linked: set[str], current: str | None) -> str:
    pieces: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(_link_plain(text[start : match.start()], targets, linked, current))
        pieces.append(match.group(0))
        linked.update(_keys_linked_by(match.group(0)))
        start = match.end()
    pieces.append(_link_plain(text[start:], targets, linked, current))
    return "".join(pieces)


# After a non-space, or at the start of a piece of prose that follows a role or a link.
_HIGH_PUNCTUATION = re.compile(r"(?:(?<=\S)|\A) (?P<mark>[;!?])(?=[\s*_)\]»]|$)")
_COLON = re.compile(r"(?:(?<=\S)|\A) :(?=[\s*_)\]»]|$)")
_QUOTES = re.compile(r"« | »")


def french_punctuation(text: str) -> str:
    """``text`` (plain prose) with the unbreakable spaces of French typography: a narrow one
    before « ; », « ! », « ? » and between digit groups (« 41 600 »), a normal one before
    « : », « € », « % » and inside « ».

    A line then never starts with a punctuation mark or a lone guillemet on a phone.
    Only a plain space is replaced; the text's code, links and roles are not passed here.
    """
    text = french_spacing(text)
    text = _HIGH_PUNCTUATION.sub("\u202f\\g<mark>", text)
    text = _COLON.sub("\u00a0:", text)
    return _QUOTES.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def _link_plain(text: str, targets: LinkTargets, linked: set[str], current: str | None) -> str:
    if not text:
        return text
    return _linked_plain(french_punctuation(text), targets, linked, current)


def _linked_plain(text: str, targets: LinkTargets, linked: set[str], current: str | None) -> str:
    found: list[tuple[int, int, str, str]] = []  # start, end, key, replacement
    for match in _REFERENCE.finditer(text):
        link = _reference_link(match, targets, current)
        if link:
            found.append((match.start(), match.end(), *link))
    pattern = _term_pattern(targets.terms)
    if pattern is not None and current != "/glossaire":
        for match in pattern.finditer(text):
            term = match.group(0)
            found.append((match.start(), match.end(), f"term:{term}", f"{{term}}`{term}`"))
    found.sort()
    pieces: list[str] = []
    position = 0
    for start, end, key, replacement in found:
        if start < position or key in linked:
            continue
        linked.add(key)
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _keys_linked_by(span: str) -> set[str]:
    """Keys of the targets an existing link or role already links to (``{term}`X```,
    a link to the référentiel page), so that the page does not link them again."""
    keys = {f"term:{m.group(1)}" for m in re.finditer(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", span)}
    if re.search(r"\]\((?:\.?/)?referentiel(?:\.md)?\)|<referentiel>`", span):
        keys.add("referentiel")
    return keys


def _reference_link(
    match: re.Match[str], targets: LinkTargets, current: str | None
) -> tuple[str, str] | None:
    if match["competency"]:
        cid = match["competency"]
        if cid not in targets.competencies or current == "/referentiel":
            return None
        return f"competency:{cid}", f"{{ref}}`{cid} <{competency_target(cid)}>`"
    if match["module"]:
        number = match["module_number"]
        document = targets.modules.get(number)
        if document is None or document == current:
            return None
        return f"module:{number}", f"{{doc}}`{match['module']} {number} <{document}>`"
    if match["assessment"]:
        number = match["assessment_number"]
        document = targets.assessments.get(number)
        if document is None or document == current:
            return None
        word = match["assessment"]
        return f"assessment:{number}", f"{{doc}}`{word} {number} <{document}>`"
    if current == "/referentiel":
        return None
    return "referentiel", (
        f"{match['article']}{match['space']}{{ref}}`référentiel <{REFERENTIEL_TARGET}>`"
    )


def link_notebook_cells(cells: list[Any], targets: LinkTargets, current: str) -> None:
    """Link the Markdown cells of a notebook in place (first occurrences per notebook)."""
    linked: set[str] = set()
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = link_markdown(cell.source, targets, linked, current)


# ----------------------------------------------------------------------------- pages


def _minutes(duration: str) -> int | None:
    """« 2 h 15 » → 135, « 45 min » → 45; ``None`` when unreadable."""
    match = re.fullmatch(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:min)?)?\s*", duration)
    if not match or not any(match.groups()):
        return None
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def _duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _competency_link(cid: str, referentiel: Referentiel) -> str:
    return f"{{ref}}`{cid} <{competency_target(cid)}>` {referentiel.competency(cid).label}"


def _assessment_titles(syllabus: Syllabus) -> dict[str, tuple[str, str]]:
    """Assessment id -> (title, document) for the assessments that have a notebook."""
    found = {}
    for assessment in syllabus.assessments:
        notebooks = assessment_notebooks(assessment.id)
        if notebooks:
            found[assessment.id] = (assessment.title, f"/evaluations/{notebooks[0].stem}")
    return found


def render_syllabus_page(syllabus: Syllabus, referentiel: Referentiel) -> str:
    """The « Le programme » page: every module (duration, level, prerequisites, summary,
    competencies) and every assessment (modules, competencies assessed, questions, points).

    Prerequisites, modules and assessments are ``{doc}`` links; competencies are ``{ref}``
    links to their anchor on the référentiel page.
    """
    minutes = [_minutes(m.duration) for m in syllabus.modules]
    total = sum(m for m in minutes if m is not None)
    assessments = _assessment_titles(syllabus)
    out = [
        "(programme)=",
        "# Le programme",
        "",
        f"Le parcours compte **{len(syllabus.modules)} modules**, soit environ "
        f"**{_duration_text(total)}** de travail, et une évaluation par module. Chaque module "
        "indique son niveau sur la progression du référentiel (« découvrir », « appliquer », "
        "« maîtriser »), les modules à suivre avant lui et les compétences qu'il travaille ; "
        "un clic sur une compétence ouvre sa ligne dans le référentiel. Les durées sont "
        "mesurées : mots lus à 150 mots par minute et activités chronométrées lors d'un essai "
        "en stagiaire.",
        "",
        "| Module | Durée | Niveau | Prérequis |",
        "|---|---|---|---|",
    ]
    titles = {m.id: m for m in syllabus.modules}
    for module in syllabus.modules:
        prerequisites = ", ".join(
            f"{{doc}}`{_module_name(p)} <{module_document(titles[p].notebook)}>`"
            for p in module.prerequisites
        )
        out.append(
            f"| {_module_link(module)} | {module.duration} | {module.level} | "
            f"{prerequisites or 'aucun'} |"
        )
    out.append("")
    for module in syllabus.modules:
        prerequisites = ", ".join(_module_link(titles[p]) for p in module.prerequisites)
        evaluated_by = [
            f"{{doc}}`{title} <{document}>`"
            for a in syllabus.assessments
            if module.id in a.modules and a.id in assessments
            for title, document in [assessments[a.id]]
        ]
        out += [
            f"(programme-{module.id.lower()})=",
            f"## {_module_name(module.id)} — {module.title}",
            "",
            " ".join(module.summary.split()),
            "",
            f"- **Durée** : {module.duration}.",
            f"- **Mesure de la durée** : {' '.join(module.duration_measure.split())}.",
            f"- **Niveau** : {module.level}.",
            f"- **Prérequis** : {prerequisites or 'aucun'}.",
            f"- **Module** : {{doc}}`lire le module <{module_document(module.notebook)}>`.",
        ]
        if evaluated_by:
            out.append(f"- **Évaluation** : {', '.join(evaluated_by)}.")
        out += ["- **Compétences travaillées** :", ""]
        out += [f"  - {_competency_link(cid, referentiel)}" for cid in module.competencies]
        out.append("")
    out += [
        "## Les évaluations",
        "",
        "Chaque évaluation est un carnet noté avec nbgrader : des réponses corrigées "
        "automatiquement et des réponses rédigées corrigées avec une grille. Le livre en montre "
        "la version remise aux stagiaires, sans corrigé.",
        "",
    ]
    for assessment in syllabus.assessments:
        if assessment.id not in assessments:
            continue
        title, document = assessments[assessment.id]
        cells = [c for nb in assessment_notebooks(assessment.id) for c in graded_cells(nb)]
        assessed = sorted({cid for c in cells for cid in c["competencies"]})
        points = sum(c["points"] for c in cells)
        modules = ", ".join(_module_link(titles[m]) for m in assessment.modules)
        out += [
            f"### {title}",
            "",
            f"- **Carnet** : {{doc}}`ouvrir l'évaluation <{document}>`.",
            f"- **Modules évalués** : {modules}.",
            f"- **Questions notées** : {len(cells)}, pour {format_decimal_fr(points)} points.",
            "- **Compétences évaluées** :",
            "",
        ]
        out += [f"  - {_competency_link(cid, referentiel)}" for cid in assessed]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_coverage_page(table: pd.DataFrame, syllabus: Syllabus) -> str:
    """The « La couverture » page from :func:`cpts_training.coverage.coverage`'s table.

    Shows competency ids (linked to the référentiel), their labels, the modules (linked)
    and the assessments (linked, with their number of questions), never a grading id.
    """
    from cpts_training.coverage import coverage_summary

    modules = {m.id: m for m in syllabus.modules}
    assessments = _assessment_titles(syllabus)
    out = [
        "(couverture)=",
        "# La couverture du référentiel",
        "",
        "Pour chaque compétence du "
        f"{{ref}}`référentiel <{REFERENTIEL_TARGET}>` : les modules qui la travaillent et les "
        "évaluations qui la notent (avec le nombre de questions notées qui la portent). Le "
        "tableau est recalculé à chaque construction du livre, à partir du plan du cours et des "
        "évaluations : une compétence ni travaillée ni évaluée y apparaît avec un tiret.",
        "",
        "| Bloc | Compétences | Travaillées dans un module | Évaluées |",
        "|---|---|---|---|",
    ]
    summary: Any
    for summary in coverage_summary(table).itertuples():
        out.append(
            f"| {{ref}}`{summary.bloc} <referentiel-{str(summary.bloc).lower()}>` | "
            f"{summary.competences} | {summary.enseignees} | {summary.evaluees} |"
        )
    out += ["", "Les modules et les évaluations du tableau :", ""]
    out += [f"- {_module_link(m)}" for m in syllabus.modules]
    out += [f"- {{doc}}`{title} <{document}>`" for title, document in assessments.values()]
    out += [
        "",
        "| Compétence | Libellé | Modules | Évaluations |",
        "|---|---|---|---|",
    ]
    row: Any  # a row of the table: its fields are not known statically
    for row in table.itertuples():
        taught = ", ".join(
            f"{{doc}}`{_module_name(m)} <{module_document(modules[m].notebook)}>`"
            for m in row.enseignee_par
            if m in modules
        )
        counts: dict[str, int] = {}
        for item in row.evaluee_par:
            assessment_id = str(item).split(":", 1)[0]
            counts[assessment_id] = counts.get(assessment_id, 0) + 1
        assessed = ", ".join(
            f"{{doc}}`{_short_assessment(assessments[a][0])} <{assessments[a][1]}>` "
            f"({n} question{'s' if n > 1 else ''})"
            for a, n in counts.items()
            if a in assessments
        )
        label = " ".join(str(row.libelle).replace("|", "\\|").split())
        out.append(
            f"| {{ref}}`{row.competence} <{competency_target(str(row.competence))}>` | "
            f"{label} | {taught or '—'} | {assessed or '—'} |"
        )
    return "\n".join(out) + "\n"


def _module_link(module: Module) -> str:
    """``{doc}`` link to a module, titled « Module 01 — Budget… »."""
    document = module_document(module.notebook)
    return f"{{doc}}`{_module_name(module.id)} — {module.title} <{document}>`"


def _module_name(module_id: str) -> str:
    """« M01 » → « Module 01 »."""
    return f"Module {module_id.removeprefix('M')}"


def _short_assessment(title: str) -> str:
    """« Évaluation 01 — Budget… » → « Évaluation 01 »."""
    return title.split(" — ", 1)[0]


def render_glossary_page(terms: Iterable[Term]) -> str:
    """The « Glossaire » page: a Sphinx ``glossary`` directive, one entry per term.

    Each entry gives the expanded form, the definition, its source (a link) and its
    « voir aussi » as ``{term}`` links.
    """
    out = [
        "(glossaire)=",
        "# Glossaire",
        "",
        "Les sigles et termes employés dans les modules. Dans les pages du livre, la première "
        "occurrence de chacun renvoie ici. Les carnets du cours lisent les mêmes définitions "
        "(`cpts_training.glossary`).",
        "",
        "````{glossary}",
    ]
    for entry in terms:
        out.append(entry.terme)
        out.append(f"  *{entry.developpe}*. {' '.join(entry.definition.split())}")
        extra = []
        if entry.voir_aussi:
            extra.append("Voir aussi : " + ", ".join(f"{{term}}`{t}`" for t in entry.voir_aussi))
        if entry.source:
            extra.append(f"Source : <{entry.source}>")
        if extra:
            out += ["", "  " + ". ".join(extra) + "."]
        out.append("")
    out.append("````")
    return "\n".join(out) + "\n"


PARAMETER_GROUPS = {
    "aci": "ACI",
    "association": "Obligations de l'association",
    "budget": "Budget prévisionnel",
    "comptabilite": "Comptabilité des associations",
    "cpts": "Indemnités des professionnels",
    "finance": "Analyse financière",
    "paie": "Paie",
    "pss": "PASS",
    "territoire": "Territoire et accessibilité",
}
"""French heading of each folder of ``data/parametres``; an acronym of the glossary
stands for its expanded form (« Plafond annuel de la sécurité sociale (PASS) »)."""


def _group_heading(folder: str) -> str:
    heading = PARAMETER_GROUPS.get(folder, folder)
    if heading.isupper():
        expanded = glossary_term(heading).developpe
        return f"{expanded[0].upper()}{expanded[1:]} ({heading})"
    return heading


UNIT_LABELS = {
    "currency": "euros",
    "population": "habitants",
    "rate": "taux (écrit en fraction de 1 dans le fichier, affiché en %)",
    "month": "mois",
    "number": "nombre sans unité",
    "text": "texte",
}
"""French name of each parameter unit (see :data:`cpts_training.reference.UNITS`)."""


def parameter_target(name: str) -> str:
    """MyST target of a parameter on the sources page: ``"parametre-aci-fonctionnement"``."""
    return "parametre-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def format_parameter_value(value: Any, unit: str) -> str:
    """A scalar value of a parameter written the French way for its unit.

    ``47100`` in euros → « 47 100 € »; ``0.75`` as a rate → « 75 % »; ``3`` months →
    « 3 mois »; text is returned as it is.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        return " ".join(str(value).split())
    if unit == "currency":
        return format_euros(value, decimals=0 if float(value).is_integer() else 2)
    if unit == "rate":
        digits = max(len(format_decimal_fr(float(value) * 100, 6).partition(",")[2]), 0)
        return format_percent(value, decimals=min(digits, 4))
    text = format_decimal_fr(float(value), 6)
    if unit == "population":
        return f"{text} habitants"
    if unit == "month":
        return f"{text} mois"
    return text


def _value_lines(value: Any, unit: str, indent: str) -> list[str]:
    if isinstance(value, Mapping):
        lines = []
        for key, sub in value.items():
            if isinstance(sub, Mapping):
                lines.append(f"{indent}- `{key}` :")
                lines += _value_lines(sub, unit, indent + "  ")
            else:
                lines.append(f"{indent}- `{key}` : {format_parameter_value(sub, unit)}")
        return lines
    return [f"{indent}- {format_parameter_value(value, unit)}"]


def _status(verified: bool, unit: str) -> str:
    if verified:
        return "vérifié, confirmé par une source"
    return UNVERIFIED_AMOUNT_LABEL if unit == "currency" else UNVERIFIED_VALUE_LABEL


def render_sources_page(parameters: Iterable[Parameter]) -> str:
    """The « Sources et paramètres » page: every parameter under its title (its
    ``metadata.short_label``, else its name) with its file, its values, the date each
    takes effect, its unit, its sources (links) and its verification status."""
    parameters = sorted(parameters, key=lambda p: p.name)
    verified = sum(p.verified for p in parameters)
    out = [
        "(sources)=",
        "# Sources et paramètres",
        "",
        f"Les chiffres réels du cours sont **{len(parameters)} paramètres**, un fichier par "
        "paramètre dans `cpts_training/data/parametres/`, avec leurs valeurs datées : une "
        "valeur s'applique à partir de sa date d'effet, jusqu'à la suivante. Chacun cite sa "
        f"source. **{verified}** sont confirmés par une source ; les autres sont signalés "
        f"« {UNVERIFIED_AMOUNT_LABEL} » (montants) ou « {UNVERIFIED_VALUE_LABEL} » dans les "
        "modules. Les chiffres de votre contrat signé et de ses avenants priment toujours.",
        "",
    ]
    group = None
    for parameter in parameters:
        folder = parameter.name.split("/", 1)[0]
        if folder != group:
            group = folder
            out += [f"## {_group_heading(folder)}", ""]
        out += [
            f"({parameter_target(parameter.name)})=",
            f"### {parameter.metadata.short_label or parameter.name}",
            "",
            " ".join(parameter.description.split()),
            "",
            f"- **Fichier** : `{parameter.name}.yaml`.",
            f"- **Unité** : {UNIT_LABELS.get(parameter.unit, parameter.unit)}.",
            f"- **Statut** : {_status(parameter.verified, parameter.unit)}.",
            "- **Sources** :",
        ]
        for reference in parameter.metadata.reference:
            label = " ".join(reference.label.split())
            if reference.url:
                out.append(f"  - [{label}]({reference.url})")
            else:
                out.append(f"  - {label} — *{' '.join((reference.title or '').split())}*")
        if parameter.metadata.note:
            out.append(f"- **Note** : {' '.join(parameter.metadata.note.split())}")
        out += ["- **Valeurs** :", ""]
        for entry in parameter.values:
            entry_verified = (
                parameter.metadata.verified if entry.verified is None else entry.verified
            )
            line = f"  - à partir du **{fr_date(entry.start)}**"
            if not entry_verified:
                line += " (à vérifier)"
            note = " ".join(entry.note.split()).rstrip(".")
            if isinstance(entry.value, Mapping):
                out.append(f"{line} — {note} :" if note else f"{line} :")
                out += _value_lines(entry.value, parameter.unit, "    ")
            else:
                value = format_parameter_value(entry.value, parameter.unit)
                out.append(f"{line} : {value}" + (f" — {note}." if note else ""))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

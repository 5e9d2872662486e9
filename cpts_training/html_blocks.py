"""Small HTML blocks for trainees' screens, rendered by Jinja2 with autoescape.

One place for the look shared by the self-check verdicts and the forms' messages and
tables (colours, spacing), and one escaping rule: every text given to a block is escaped
by Jinja2's autoescape, never by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

TONES: dict[str, tuple[str, str]] = {
    "ok": ("#e8f5e9", "#2e7d32"),
    "warning": ("#fff3e0", "#e65100"),
    "error": ("#ffebee", "#c62828"),
    "info": ("#eef3fb", "#4f81bd"),
}
"""Background and border colours of a message box, by tone."""

_ENVIRONMENT = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_MESSAGE = _ENVIRONMENT.from_string(
    '<div style="background:{{ colours[0] }};border-left:4px solid {{ colours[1] }};'
    'padding:0.5em 1em;margin:0.3em 0;white-space:pre-line">'
    "{% if title %}<strong>{{ title }}</strong> — {% endif %}{{ text }}"
    "{% if hint %}<br><em>Indice : {{ hint }}</em>{% endif %}</div>"
)

_CELL = "padding:0.2em 0.7em;border-bottom:1px solid #ddd"
_TABLE = _ENVIRONMENT.from_string(
    # A wide table scrolls inside its box instead of hiding its last columns; amounts
    # never break across lines (« 153 000 € » stays whole).
    '<div style="overflow-x:auto;max-width:100%">'
    '<table style="border-collapse:collapse;margin:0.3em 0;font-size:0.95em"><thead><tr>'
    "{% for h in headers %}"
    '<th style="{{ cell }};text-align:{{ align(loop.index0) }};background:#dce6f1">{{ h }}</th>'
    "{% endfor %}</tr></thead><tbody>"
    "{% for row in rows %}<tr>{% for t in row.cells %}"
    "<td style=\"{% if align(loop.index0) == 'right' %}white-space:nowrap;{% endif %}"
    '{{ cell }};text-align:{{ align(loop.index0) }};{{ row.extra }}">{{ t }}</td>'
    "{% endfor %}</tr>{% endfor %}</tbody></table></div>"
)

_TITLE = _ENVIRONMENT.from_string("<{{ tag }}>{{ text }}</{{ tag }}>")


def _render(template, **context) -> str:  # noqa: ANN001
    """Render with autoescape; apostrophes stay apostrophes (no text goes into an
    attribute: every attribute value is written here, between double quotes)."""
    return template.render(**context).replace("&#39;", "'")


def message_box(
    text: str, tone: str = "info", title: str | None = None, hint: str | None = None
) -> str:
    """A coloured box holding ``text`` (escaped), with an optional bold ``title`` and hint.

    Raises:
        KeyError: if ``tone`` is not one of :data:`TONES`.
    """
    return _render(_MESSAGE, colours=TONES[tone], text=text, title=title, hint=hint)


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int] = (),
    total: Sequence[str] | None = None,
    row_colours: Sequence[str | None] | None = None,
) -> str:
    """A table of already formatted texts (escaped here); ``numeric`` columns are
    right-aligned, ``total`` is an optional bold last row, ``row_colours`` colours the
    text of each row (``None``: default)."""
    body = [
        {
            "cells": list(row),
            "extra": f"color:{row_colours[i]}" if row_colours and row_colours[i] else "",
        }
        for i, row in enumerate(rows)
    ]
    if total is not None:
        body.append({"cells": list(total), "extra": "font-weight:bold;border-top:2px solid #555"})
    return _render(
        _TABLE,
        headers=list(headers),
        rows=body,
        cell=_CELL,
        align=lambda position: "right" if position in numeric else "left",
    )


SCROLL_BOX = '<div style="overflow-x:auto;width:0;min-width:100%;max-width:100%;line-height:1.35">'
"""Opening of the box put right around a wide table: the box takes the width of the
output area without widening it (``width:0;min-width:100%``), so a table wider than the
notebook scrolls inside it, with its scrollbar directly under the table."""


def scroll_box(table: str) -> str:
    """``table`` (HTML) in :data:`SCROLL_BOX`, closed."""
    return f"{SCROLL_BOX}{table}</div>"


def heading(text: str, level: int = 4) -> str:
    """``<h4>text</h4>`` with ``text`` escaped."""
    return _render(_TITLE, tag=f"h{level}", text=text)


def strong(text: str) -> str:
    """``<strong>text</strong>`` with ``text`` escaped (a question above a form)."""
    return _render(_TITLE, tag="strong", text=text)


_CARD = _ENVIRONMENT.from_string(
    "<h4>{{ title }} <small>({{ subtitle }})</small></h4><ul>"
    "{% for label, value in items %}<li>{{ label }} : {{ value }}</li>{% endfor %}</ul>"
)


def card(title: str, subtitle: str, items: Sequence[tuple[str, str]]) -> str:
    """A titled list of « label : value » lines, every text escaped."""
    return _render(_CARD, title=title, subtitle=subtitle, items=list(items))


_MODULE_CARD = _ENVIRONMENT.from_string(
    '<div style="border:1px solid #90a4ae;border-radius:6px;padding:0.6em 1em">'
    "<strong>{{ title }}</strong> — durée : {{ duration }}"
    "{% if level %} · niveau : {{ level }}{% endif %}<br>{{ summary }}"
    "{% if prerequisites is not none %}<br><em>Prérequis :</em> "
    "{{ prerequisites | join(', ') if prerequisites else 'aucun' }}{% endif %}"
    "{% if duration_measure %}<br><small>Durée mesurée : {{ duration_measure }}</small>"
    "{% endif %}"
    "<br><em>Compétences du référentiel travaillées :</em><ul>"
    "{% for cid, label in competencies %}<li><code>{{ cid }}</code> {{ label }}</li>{% endfor %}"
    "</ul></div>"
)


def module_card_html(
    title: str,
    duration: str,
    summary: str,
    competencies: Sequence[tuple[str, str]],
    *,
    level: str = "",
    prerequisites: Sequence[str] | None = None,
    duration_measure: str = "",
) -> str:
    """The heading card of a module (title, duration, level, summary, prerequisites,
    competencies), escaped."""
    return _render(
        _MODULE_CARD,
        title=title,
        duration=duration,
        summary=summary,
        competencies=list(competencies),
        level=level,
        prerequisites=None if prerequisites is None else list(prerequisites),
        duration_measure=duration_measure,
    )

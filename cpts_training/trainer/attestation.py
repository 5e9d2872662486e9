"""The « attestation de compétences » of a trainee: an A4 PDF a training organisation signs.

It names the organisation (``profile.organisation``: ``nom``, ``lieu``), the trainee,
the référentiel (title, version, source), the period the evidence covers, and per bloc
of the référentiel its level by the scale's roll-up rule and the competencies acquired
(id and label); then the sentences stating the scale, and a block to sign (« Fait à …,
le … », the signatory's name, title and signature, the organisation's stamp).

The HTML page is rendered by Jinja2 (autoescape) and turned into PDF by WeasyPrint.
WeasyPrint needs Pango, a system library: when it cannot be loaded,
:class:`AttestationUnavailable` says in French which Debian packages to install.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment, FileSystemLoader

from cpts_training.dates import fr_date
from cpts_training.errors import CPTSError, system_error
from cpts_training.trainer.competency_profile import CompetencyProfile
from cpts_training.trainer.competency_report import (
    TIMEZONE,
    evidence_period,
    keyed_rows,
    scale_sentences,
    trainee_name,
)

ORGANISATION_PLACEHOLDER = "[organisme de formation]"
"""Written in place of the organisation's name when the course configuration has none."""
BLANK = "…………………………"
"""A dotted space to fill in by hand."""
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
"""Debian packages WeasyPrint needs to write a PDF."""


class AttestationUnavailable(CPTSError):
    """The PDF library cannot run on this computer (missing system libraries or package)."""


def load_weasyprint() -> ModuleType:
    """The ``weasyprint`` module, imported on first use.

    Raises :class:`AttestationUnavailable` in French when it is not installed, or when
    its system libraries (Pango) cannot be loaded (WeasyPrint raises ``OSError`` then).
    """
    try:
        return import_module("weasyprint")
    except OSError as error:
        raise AttestationUnavailable(
            "Les attestations PDF ne sont pas produites : la bibliothèque WeasyPrint ne trouve "
            f"pas ses bibliothèques système ({error}). Installez-les (Debian, Ubuntu : « sudo "
            f"apt-get install {SYSTEM_PACKAGES} ») puis relancez la commande avec --replace. "
            "Les rapports HTML et les exports sont écrits quand même."
        ) from None
    except ImportError:
        raise AttestationUnavailable(
            "Les attestations PDF ne sont pas produites : la bibliothèque WeasyPrint n'est pas "
            "installée. Installez-la (« pip install weasyprint », et sous Debian ou Ubuntu "
            f"« sudo apt-get install {SYSTEM_PACKAGES} ») puis relancez la commande avec "
            "--replace. Les rapports HTML et les exports sont écrits quand même."
        ) from None


def attestation_warnings(profile: CompetencyProfile) -> list[str]:
    """French warnings about the attestations of ``profile`` (none when complete): the
    organisation's name or town (``nom``, ``lieu``) missing from the course configuration."""
    organisation = profile.organisation
    name = (organisation.get("nom") or "").strip()
    place = (organisation.get("lieu") or "").strip()
    if name and place:
        return []
    if not name:
        what = f"portent « {ORGANISATION_PLACEHOLDER} » à la place du nom de l'organisme"
        if not place:
            what += " et laissent en blanc la ville de « Fait à … »"
    else:
        what = "laissent en blanc la ville de « Fait à … »"
    missing = " et ".join(
        item for item, absent in (("le nom", not name), ("la ville (lieu)", not place)) if absent
    )
    return [
        f"Les attestations {what} : indiquez {missing} de l'organisme de formation dans la "
        "section « organisme » (clés « nom » et « lieu ») du fichier competences.yaml de "
        "l'espace, puis relancez la commande avec --replace (ou complétez les attestations "
        "à la main avant de les signer)."
    ]


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "attestation"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
"""The attestation's Jinja2 template; every text is escaped by autoescape."""


def _blocs(profile: CompetencyProfile, student: str) -> list[dict[str, Any]]:
    """Per bloc of the référentiel: its level and the competencies acquired."""
    levels = profile.levels[profile.levels["stagiaire"] == student]
    blocs = keyed_rows(profile.blocs[profile.blocs["stagiaire"] == student], "bloc")
    result = []
    for bloc in profile.referentiel.blocs:
        acquired = levels[(levels["bloc"] == bloc.id) & levels["acquise"].astype(bool)]
        summary = blocs.get(bloc.id)
        result.append(
            {
                "id": bloc.id,
                "label": bloc.label,
                "level": "non évalué" if summary is None else str(summary.niveau),
                "count": len(bloc.competencies),
                "assessed": 0 if summary is None else int(summary.evaluees),
                "acquired": [
                    {"id": row.competence, "label": row.libelle}
                    for row in acquired.sort_values("competence").itertuples(index=False)
                ],
            }
        )
    return result


def render_attestation_html(
    profile: CompetencyProfile, student: str, issued_on: dt.date | None = None
) -> str:
    """The attestation as a French HTML page, A4, ready for WeasyPrint.

    ``issued_on`` is the date written after « Fait à …, le » (default: today, Paris time).
    Raises :class:`~cpts_training.errors.CPTSError` for a trainee the profile does not know.
    """
    organisation = profile.organisation
    issued_on = issued_on or dt.datetime.now(dt.UTC).astimezone(_zone()).date()
    return _TEMPLATES.get_template("attestation.html.j2").render(
        name=trainee_name(profile, student),
        student=student,
        organisation=(organisation.get("nom") or "").strip() or ORGANISATION_PLACEHOLDER,
        place=(organisation.get("lieu") or "").strip() or BLANK,
        contact=[
            (organisation.get(key) or "").strip()
            for key in ("url", "email")
            if (organisation.get(key) or "").strip()
        ],
        referentiel=profile.referentiel,
        period=evidence_period(profile, student),
        blocs=_blocs(profile, student),
        sentences=scale_sentences(profile.scale),
        issued=fr_date(issued_on),
    )


def _zone() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(TIMEZONE)


def attestation_pdf(
    profile: CompetencyProfile, student: str, issued_on: dt.date | None = None
) -> bytes:
    """The attestation of ``student`` as PDF bytes (:func:`render_attestation_html`).

    Raises :class:`AttestationUnavailable` when WeasyPrint cannot run, and
    :class:`~cpts_training.errors.CPTSError` for a trainee the profile does not know.
    """
    page = render_attestation_html(profile, student, issued_on)
    weasyprint = load_weasyprint()
    document: bytes = weasyprint.HTML(string=page).write_pdf()
    return document


def write_attestation(
    profile: CompetencyProfile, student: str, path: Path, issued_on: dt.date | None = None
) -> Path:
    """Write the attestation of ``student`` to ``path`` (a PDF, replaced if it exists);
    return ``path``.

    Raises :class:`AttestationUnavailable` when WeasyPrint cannot run,
    :class:`~cpts_training.errors.CPTSError` for an unknown trainee or a path that
    cannot be written (nothing is written then).
    """
    document = attestation_pdf(profile, student, issued_on)
    path = Path(path).expanduser()
    try:
        path.write_bytes(document)
    except OSError as error:
        raise system_error(error) from None
    return path

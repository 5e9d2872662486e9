"""The référentiel as a Markdown page for the public book."""

from __future__ import annotations

from cpts_training.referentiel.model import ORIGIN_LABELS, Competency, Referentiel


def competency_target(competency_id: str) -> str:
    """The stable MyST target of a competency on the référentiel page.

    ``"B5.C03"`` → ``"competence-b5-c03"``: the page's HTML anchor is ``#competence-b5-c03``
    and other pages link to it with ``{ref}`B5.C03 <competence-b5-c03>```.
    """
    return "competence-" + competency_id.lower().replace(".", "-")


def _escape(text: str) -> str:
    """Text for a Markdown table cell: no line breaks, ``|`` escaped."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _origin_cell(competency: Competency) -> str:
    if competency.origin == "completed":
        return f"complétée (d'après : {_escape(competency.completed_from or '')})"
    return ORIGIN_LABELS["source"]


def render_markdown(ref: Referentiel) -> str:
    """The référentiel as a French MyST Markdown page for the book.

    The page gives the source, the two phases of a CPTS with their steps, the profile of
    a coordinator, the compétences requises / visées, the fonctions visées and, for each
    bloc, a table ``Identifiant | Compétence | Origine`` (each bloc carries the MyST target
    ``referentiel-b<n>``, each competency the target of :func:`competency_target`, so that
    its row is the anchor ``#competence-b5-c03``).
    """
    out: list[str] = [
        "(referentiel)=",
        "# Référentiel de compétences",
        "",
        f"**{ref.title}** (version {ref.version}).",
        "",
        f"Source : {ref.source.label}.",
        "",
        "Les intitulés sont repris mot pour mot du cahier des charges. Lorsque le document "
        "abrège la liste d'un bloc par des points de suspension, elle est complétée à partir "
        "des compétences requises, des compétences visées et des fonctions visées du même "
        "document : ces compétences sont marquées « complétée » et citent le passage qui les "
        "justifie. Chaque compétence porte un identifiant stable (par exemple `B5.C03`) auquel "
        "renvoient les modules et les évaluations.",
        "",
        "## Les deux phases d'une CPTS",
        "",
    ]
    for position, phase in enumerate(ref.phases, start=1):
        out += [f"### Phase {position} : {phase.label}", ""]
        out += [f"1. {step.label} (`{step.id}`)" for step in phase.steps]
        out.append("")

    out += ["## Profil du coordinateur", ""]
    for title, items in (
        ("Savoirs", ref.profile.savoirs),
        ("Savoir-faire", ref.profile.savoir_faire),
        ("Savoir-être", ref.profile.savoir_etre),
    ):
        out += [f"### {title}", ""]
        out += [f"- {item.label}" for item in items]
        out.append("")

    for title, items in (
        ("Compétences requises", ref.required_competencies),
        ("Compétences visées", ref.target_competencies),
    ):
        out += [f"## {title}", ""]
        out += [f"- {item.label}" for item in items]
        out.append("")

    out += ["## Fonctions visées", ""]
    for function in ref.functions:
        out += [f"### {function.label}", "", function.description, ""]

    out += [
        "## Blocs de compétences",
        "",
        "| Bloc | Intitulé | Compétences (dont complétées) |",
        "| --- | --- | --- |",
    ]
    for bloc in ref.blocs:
        completed = sum(c.origin == "completed" for c in bloc.competencies)
        out.append(
            f"| {bloc.id} | {_escape(bloc.label)} | {len(bloc.competencies)} ({completed}) |"
        )
    out.append("")

    for bloc in ref.blocs:
        out += [
            f"(referentiel-{bloc.id.lower()})=",
            f"### {bloc.id} : {bloc.label}",
            "",
            "```{list-table}",
            ":header-rows: 1",
            ":widths: 12 63 25",
            "",
            "* - Identifiant",
            "  - Compétence",
            "  - Origine",
        ]
        for c in bloc.competencies:
            out += [
                f"* - ({competency_target(c.id)})=",
                "",
                f"    {c.id}",
                f"  - {_escape(c.label)}",
                f"  - {_origin_cell(c)}",
            ]
        out += ["```", ""]
    return "\n".join(out)

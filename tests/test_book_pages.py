"""The book's generated pages, its glossary and the linker of its cross-references."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from cpts_training.book import READING_NOTE, public_module_version, stage_book
from cpts_training.book_pages import (
    LinkTargets,
    french_punctuation,
    link_markdown,
    parameter_target,
    render_coverage_page,
    render_glossary_page,
    render_sources_page,
    render_syllabus_page,
)
from cpts_training.coverage import coverage
from cpts_training.errors import CPTSError, DataError
from cpts_training.glossary import definition, glossary, key_terms, load_glossary, term
from cpts_training.reference import list_parameters, load_parameter
from cpts_training.referentiel import load_referentiel
from cpts_training.syllabus import assessment_notebooks, graded_cells, load_syllabus

TARGETS = LinkTargets(
    terms=frozenset({"CPTS", "ACI", "CA", "CAF", "EPRD", "ERRD"}),
    modules={"01": "/modules/01_budget"},
    assessments={"00": "/evaluations/evaluation_00"},
    competencies=frozenset({"B5.C03"}),
)

CPTS = "{term}`CPTS`"


def link(text: str, current: str | None = None) -> str:
    return link_markdown(text, TARGETS, current=current)


# ----------------------------------------------------------------------------- linker


def test_only_the_first_occurrence_of_a_term_is_linked() -> None:
    assert link("La CPTS et la CPTS.") == f"La {CPTS} et la CPTS."


def test_a_term_is_linked_after_an_apostrophe_and_in_bold() -> None:
    assert link("l'ACI de la **CPTS**") == "l'{term}`ACI` de la **" + CPTS + "**"


def test_a_term_inside_a_longer_word_or_a_shorter_term_is_not_confused() -> None:
    # « CA » is not linked inside « CAF », nor « ACI » inside « ACIER » or « ACI-x ».
    assert link("ACIER, ACI-x, la CAF du CA") == "ACIER, ACI-x, la {term}`CAF` du {term}`CA`"
    assert link("EPRD/ERRD") == "{term}`EPRD`/{term}`ERRD`"


def test_code_is_never_linked() -> None:
    text = "`CPTS` puis\n\n```python\nCPTS = 1\n```\n\n~~~\nCPTS\n~~~\n\nCPTS"
    assert link(text) == f"`CPTS` puis\n\n```python\nCPTS = 1\n```\n\n~~~\nCPTS\n~~~\n\n{CPTS}"
    assert link("``code `CPTS` ici`` et CPTS") == f"``code `CPTS` ici`` et {CPTS}"


def test_headings_are_never_linked() -> None:
    assert link("# La CPTS\n\nLa CPTS") == f"# La CPTS\n\nLa {CPTS}"
    # A setext heading: its text line, then its underline.
    assert link("La CPTS\n====\n\nLa CPTS") == f"La CPTS\n====\n\nLa {CPTS}"


def test_links_images_and_addresses_are_never_linked() -> None:
    text = "[la CPTS](https://x.fr/CPTS), ![CPTS](a.png), <https://x.fr/CPTS>, https://x.fr/ACI"
    assert link(text + " CPTS") == text + " " + CPTS
    # A bare domain is turned into a link by MyST (linkify): its path is left alone.
    assert link("ameli.fr/CPTS/ACI puis l'ACI") == "ameli.fr/CPTS/ACI puis l'{term}`ACI`"


def test_html_is_never_linked() -> None:
    assert link("<b>CPTS</b> CPTS") == f"<b>CPTS</b> {CPTS}"
    assert link("<div>\nCPTS\n</div>\n\nCPTS") == f"<div>\nCPTS\n</div>\n\n{CPTS}"


def test_directive_fence_and_option_lines_are_kept_and_the_body_is_linked() -> None:
    text = "```{admonition} La CPTS\n:class: CPTS\n:name: ACI\nLa CPTS\n```"
    expected = f"```{{admonition}} La CPTS\n:class: CPTS\n:name: ACI\nLa {CPTS}\n```"
    assert link(text) == expected
    yaml_options = "```{note}\n---\nclass: CPTS\n---\nLa CPTS\n```"
    assert link(yaml_options) == f"```{{note}}\n---\nclass: CPTS\n---\nLa {CPTS}\n```"
    colon = ":::{note}\nL'ACI\n:::"
    assert link(colon) == ":::{note}\nL'{term}`ACI`\n:::"


def test_verbatim_directives_roles_math_targets_and_comments_are_kept() -> None:
    text = (
        "```{glossary}\nCPTS\n  définition\n```\n\n(cpts)=\n% CPTS\n\n"
        "{term}`CPTS` puis $CA$ puis CPTS et CA"
    )
    # The existing {term} role counts as the page's link to CPTS.
    expected = (
        "```{glossary}\nCPTS\n  définition\n```\n\n(cpts)=\n% CPTS\n\n"
        "{term}`CPTS` puis $CA$ puis CPTS et {term}`CA`"
    )
    assert link(text) == expected


def test_front_matter_is_kept() -> None:
    assert link("---\ntitre: CPTS\n---\nCPTS") == f"---\ntitre: CPTS\n---\n{CPTS}"


def test_table_cells_are_linked() -> None:
    assert link("| CPTS | ACI |\n|---|---|") == "| " + CPTS + " | {term}`ACI` |\n|---|---|"


def test_references_become_links() -> None:
    text = "Le module 01, l'évaluation 00, le référentiel et B5.C03 ; Module 01 à nouveau."
    assert link(text) == (
        "Le {doc}`module 01 </modules/01_budget>`, "
        "l'{doc}`évaluation 00 </evaluations/evaluation_00>`, "
        "le {ref}`référentiel <referentiel>` et {ref}`B5.C03 <competence-b5-c03>`\u202f; "
        "Module 01 à nouveau."
    )
    assert link("Le **référentiel de compétences**") == (
        "Le **{ref}`référentiel <referentiel>` de compétences**"
    )


def test_unknown_references_and_look_alikes_are_left_as_they_are() -> None:
    text = "module 07, évaluation 09, B9.C99, xB5.C03, evaluation_00, modules 01, ce référentiel"
    assert link(text) == text


def test_a_page_never_links_to_itself() -> None:
    assert link("Le module 01.", current="/modules/01_budget") == "Le module 01."
    assert link("B5.C03 du référentiel", current="/referentiel") == "B5.C03 du référentiel"
    assert link("La CPTS", current="/glossaire") == "La CPTS"


def test_cells_of_one_page_share_their_first_occurrences() -> None:
    linked: set[str] = set()
    first = link_markdown("La CPTS.", TARGETS, linked)
    second = link_markdown("La CPTS et l'ACI.", TARGETS, linked)
    assert (first, second) == (f"La {CPTS}.", "La CPTS et l'{term}`ACI`.")


def test_public_module_version_links_markdown_cells_only_once_per_notebook() -> None:
    notebook = nbformat.v4.new_notebook()
    trainer = nbformat.v4.new_markdown_cell("La CPTS, corrigé pour le formateur")
    trainer.metadata["tags"] = ["formateur"]
    notebook.cells = [
        trainer,
        nbformat.v4.new_markdown_cell("# La CPTS\n\nLa CPTS et le module 01."),
        nbformat.v4.new_code_cell('cpts = "CPTS"'),
        nbformat.v4.new_markdown_cell("Encore la CPTS, revue dans le module 01."),
    ]
    public = public_module_version(notebook, TARGETS, "/modules/00_x")
    assert [cell.source for cell in public.cells] == [
        f"# La CPTS\n\nLa {CPTS} et le {{doc}}`module 01 </modules/01_budget>`.",
        french_punctuation(READING_NOTE),
        'cpts = "CPTS"',
        "Encore la CPTS, revue dans le module 01.",
    ]


# ----------------------------------------------------------------------------- glossary


def test_french_punctuation_gets_unbreakable_spaces_in_prose_only() -> None:
    text = "Le budget ; le plan : « ACI » ? Oui ! *Mon choix :*\n\n| :--- | 10:30 |"
    assert french_punctuation(text) == (
        "Le budget\u202f; le plan\u00a0: «\u00a0ACI\u00a0»\u202f? Oui\u202f! *Mon choix\u00a0:*"
        "\n\n| :--- | 10:30 |"
    )
    # Through link_markdown: code, links and directive options keep their spaces.
    page = "```{note}\n:class: tip\nLa CPTS ; voir [ici ; là](https://x.fr) et `x ; y`.\n```"
    linked = link_markdown(page, TARGETS)
    assert ":class: tip" in linked and "[ici ; là](https://x.fr)" in linked
    assert "`x ; y`" in linked and "\u202f; voir" in linked


def test_glossary_defines_the_course_acronyms() -> None:
    names = {t.terme for t in glossary()}
    required = [
        "CPTS",
        "ACI",
        "ARS",
        "CPAM",
        "FIR",
        "PASS",
        "EPRD",
        "ERRD",
        "CPOM",
        "CAF",
        "FRNG",
        "BFR",
        "SAS",
        "SNP",
        "DAC",
        "MSP",
    ]
    assert set(required) <= names
    assert definition("FRNG").startswith("FRNG (fonds de roulement net global) : Ressources")
    table = key_terms(["CPTS", "ACI"])
    assert list(table.columns) == ["Sigle", "Signification", "Définition"]
    assert table["Sigle"].tolist() == ["CPTS", "ACI"]


def test_unknown_term_suggests_the_closest_one() -> None:
    with pytest.raises(CPTSError, match="« FNRG » n'est pas dans le glossaire.*« FRNG »"):
        term("FNRG")
    with pytest.raises(CPTSError, match="Vouliez-vous dire « CPTS »"):
        definition("cpts")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "glossaire.yaml"
    path.write_text("termes:\n" + body, encoding="utf-8")
    return path


ENTRY = "  - terme: {t}\n    developpe: d\n    definition: déf\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - terme: CPTS\n    definition: déf\n", "developpe"),
        (ENTRY.format(t="CPTS") + "    couleur: bleu\n", "couleur"),
        (ENTRY.format(t="CPTS") + ENTRY.format(t="CPTS"), "« CPTS » est défini deux fois"),
        (ENTRY.format(t="CPTS") + "    voir_aussi: [ARS]\n", "cite ARS, absent"),
        (ENTRY.format(t="CPTS") + "    source: senat.fr\n", "adresse web"),
    ],
)
def test_glossary_file_errors_are_explained(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_glossary(_write(tmp_path, body))


def test_glossary_page_defines_every_term_with_its_links() -> None:
    page = render_glossary_page(glossary())
    assert "````{glossary}" in page
    for entry in glossary():
        assert f"\n{entry.terme}\n  *{entry.developpe}*. " in page
    assert "Voir aussi : {term}`BFR`, {term}`CAF`." in page  # FRNG's « voir aussi »
    assert "Source : <https://www.senat.fr/rap/r25-032/r25-0325.html>." in page


# ----------------------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def syllabus():
    return load_syllabus()


def test_syllabus_page_gives_durations_levels_prerequisites_and_competencies(syllabus) -> None:
    page = render_syllabus_page(syllabus, load_referentiel())
    # 45 min + 2 h 15 + 2 h 15 + 4 h 15 = 45 + 135 + 135 + 255 = 570 min = 9 h 30.
    assert "**4 modules**, soit environ **9 h 30**" in page
    assert (
        "| {doc}`Module 03 — Comptes, EPRD/ERRD et analyse financière "
        "</modules/03_comptes_eprd_analyse_financiere>` | 4 h 15 | appliquer | "
        "{doc}`Module 00 </modules/00_prise_en_main>`, "
        "{doc}`Module 01 </modules/01_budget_aci_tresorerie>` |"
    ) in page
    assert "  - {ref}`B5.C03 <competence-b5-c03>` Présenter le budget devant la gouvernance" in page
    assert "- **Prérequis** : aucun." in page  # module 00
    assert "{doc}`ouvrir l'évaluation </evaluations/evaluation_01>`" in page


def test_coverage_page_names_modules_and_assessments_never_grading_ids(syllabus) -> None:
    table = coverage(syllabus=syllabus)
    page = render_coverage_page(table, syllabus)
    # B5.C07 is taught by module 01 and assessed by two graded cells of evaluation 01.
    assert (
        "| {ref}`B5.C07 <competence-b5-c07>` | Planifier et gérer la trésorerie | "
        "{doc}`Module 01 </modules/01_budget_aci_tresorerie>` | "
        "{doc}`Évaluation 01 </evaluations/evaluation_01>` (2 questions) |"
    ) in page
    for assessment in syllabus.assessments:
        for notebook in assessment_notebooks(assessment.id):
            for cell in graded_cells(notebook):
                assert cell["grade_id"] not in page, cell["grade_id"]


def test_sources_page_gives_each_value_with_its_date_as_in_its_file() -> None:
    page = render_sources_page(load_parameter(name) for name in list_parameters())
    # pss/plafond_annuel.yaml: « 2025-01-01: value: 47100 ».
    assert "  - à partir du **01/01/2025** : 47\u202f100\xa0€\n" in page
    # aci/versement/taux_avance_part_fixe.yaml: « 2019-08-25: value: 0.75 » (a rate).
    assert "  - à partir du **25/08/2019** : 75\xa0%\n" in page
    # aci/fonctionnement.yaml is verified: false, by size from 2019-08-25.
    block = page.split("### Financement du fonctionnement (ACI)\n", 1)[1].split("\n### ", 1)[0]
    assert "- **Fichier** : `aci/fonctionnement.yaml`." in block
    assert "- **Statut** : montant indicatif — à vérifier dans votre contrat." in block
    assert "    - `taille_4` : 90\u202f000\xa0€" in block
    assert "[Sénat, rapport d'information n° 32 (2025-2026)](https://www.senat.fr/" in block
    # Each parameter under its title (a phone cannot wrap a heading made of a file path).
    for name in list_parameters():
        title = load_parameter(name).metadata.short_label
        assert title and "/" not in title and len(title) <= 60, name
        assert f"({parameter_target(name)})=\n### {title}\n" in page


def test_staged_book_has_the_pages_in_order_with_links_and_the_repository(
    tmp_path: Path,
) -> None:
    staging = stage_book(tmp_path / "sources")
    toc = yaml.safe_load((staging / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files == [
        "intro",
        "metier",
        "referentiel",
        "programme",
        "couverture",
        "modules/00_prise_en_main",
        "modules/01_budget_aci_tresorerie",
        "modules/02_diagnostic_territorial",
        "modules/03_comptes_eprd_analyse_financiere",
        "evaluations/evaluation_00",
        "evaluations/evaluation_01",
        "evaluations/evaluation_02",
        "evaluations/evaluation_03",
        "glossaire",
        "sources",
        "formateurs",
        "licence",
    ]
    for name in files:
        suffix = ".ipynb" if "/" in name else ".md"
        assert (staging / f"{name}{suffix}").is_file(), name
    intro = (staging / "intro.md").read_text(encoding="utf-8")
    assert "](https://github.com/cpts-training/cpts-training)" in intro
    assert "{{" not in intro
    assert "(lancer-hub-binder)=" in (staging / "formateurs.md").read_text(encoding="utf-8")
    released = nbformat.read(staging / "evaluations/evaluation_00.ipynb", as_version=4)
    assert any("{term}`" in c.source for c in released.cells if c.cell_type == "markdown")


# ----------------------------------------------------------------------------- built book


def test_built_glossary_defines_every_term(built_book: Path) -> None:
    text = (built_book / "glossaire.html").read_text(encoding="utf-8")
    for entry in glossary():
        assert f'id="term-{entry.terme}"' in text, entry.terme


def test_built_module_links_glossary_terms_and_the_referentiel(built_book: Path) -> None:
    text = (built_book / "modules/00_prise_en_main.html").read_text(encoding="utf-8")
    assert 'href="../glossaire.html#term-CPTS"' in text
    assert 'href="../referentiel.html#referentiel"' in text
    assert 'href="../evaluations/evaluation_00.html"' in text
    # The key terms table built from the glossary is an output of the module.
    assert "communauté professionnelle territoriale de santé" in text


def test_built_referentiel_has_an_anchor_per_competency(built_book: Path) -> None:
    text = (built_book / "referentiel.html").read_text(encoding="utf-8")
    for competency in load_referentiel().competencies():
        anchor = "competence-" + competency.id.lower().replace(".", "-")
        assert f'id="{anchor}"' in text, competency.id
    programme = (built_book / "programme.html").read_text(encoding="utf-8")
    assert 'href="referentiel.html#competence-b5-c03"' in programme


def test_built_coverage_page_shows_no_grading_id(built_book: Path) -> None:
    text = (built_book / "couverture.html").read_text(encoding="utf-8")
    assert 'href="referentiel.html#competence-b5-c07"' in text
    for assessment in load_syllabus().assessments:
        for notebook in assessment_notebooks(assessment.id):
            for cell in graded_cells(notebook):
                assert not re.search(rf"\b{re.escape(cell['grade_id'])}\b", text), cell
    assert "evaluation_01:" not in text


def test_built_sources_page_lists_every_parameter_file(built_book: Path) -> None:
    text = (built_book / "sources.html").read_text(encoding="utf-8")
    for name in list_parameters():
        assert f'id="{parameter_target(name)}"' in text, name
        assert name in text, name

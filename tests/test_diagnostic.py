"""The diagnostic skeleton and document (values computed by hand).

Territory: Lunel (34145, 26 623 inhabitants), Lunel-Viel (34146, 4 507) and Mauguio
(34154, 16 522), from the shipped INSEE file: 26 623 + 4 507 + 16 522 = 47 652
inhabitants, ACI size 2. General practitioners 20 + 3 + 15 = 38: 38 / 47 652 × 10 000
= 7,97 → « 8,0 » for 10 000, against 14,9 in France (parameter
territoire/densite_reference_france, 2022): écart 7,97 − 14,9 = −6,93 → « −6,9 ».
Nurses 30 + 4 + 0 = 34: 34 / 47 652 × 10 000 = 7,13 → « 7,1 » (no national reference).
"""

from __future__ import annotations

import docx
import pandas as pd
import pytest

from cpts_training.errors import InputError
from cpts_training.territory.case_study import load_territory
from cpts_training.territory.diagnostic import (
    DIAGNOSTIC_PROFESSIONS,
    diagnostic_document,
    diagnostic_skeleton,
    require_counts,
    require_structures,
)
from cpts_training.territory.france import describe_territory
from cpts_training.territory.resources import PROFESSIONS


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def skeleton():
    return diagnostic_skeleton(describe_territory(["34145", "Lunel-Viel", "Mauguio"]))


@pytest.fixture
def counts(skeleton) -> pd.DataFrame:
    table = skeleton.counts_template()
    table["medecins_generalistes"] = pd.Series(["20", "3", 15], dtype=object)
    table["infirmiers"] = pd.Series(["30", "4", ""], dtype=object)
    return table


@pytest.fixture
def document(skeleton, counts):
    return diagnostic_document(
        skeleton,
        counts,
        [("EHPAD", "EHPAD Les Oliviers", "Lunel"), ("MSP", "MSP de Mauguio", "34154")],
        ["Accès à un médecin traitant <script>alert(1)</script>", "", "Soins non programmés"],
        "Un territoire sous-doté en médecins généralistes.\nDeuxième paragraphe.",
        "CPTS du Pays de Lunel",
    )


def test_the_skeleton_has_one_row_per_commune_with_its_population(skeleton) -> None:
    assert skeleton.codes == ["34145", "34146", "34154"]
    assert skeleton.communes["population"].tolist() == [26_623, 4_507, 16_522]
    assert skeleton.population == 47_652  # 26 623 + 4 507 + 16 522
    assert skeleton.aci_size == 2
    assert "INSEE" in skeleton.source_label
    assert list(skeleton.counts_template().columns) == [
        "code_commune",
        "commune",
        "population",
        *DIAGNOSTIC_PROFESSIONS,
    ]
    assert set(PROFESSIONS) < set(DIAGNOSTIC_PROFESSIONS)


def test_the_case_study_gives_a_skeleton_marked_fictional() -> None:
    case = load_territory()
    skeleton = diagnostic_skeleton(case)
    assert skeleton.population == case.population
    assert "fictif" in skeleton.source_label.lower()
    assert skeleton.notice


def test_a_skeleton_needs_a_territory() -> None:
    with pytest.raises(InputError, match="describe_territory"):
        diagnostic_skeleton("Lunel")  # type: ignore[arg-type]


def test_counts_are_read_the_french_way_and_unfilled_professions_dropped(skeleton, counts) -> None:
    checked = require_counts(counts, skeleton)
    assert list(checked.columns) == ["code_commune", "medecins_generalistes", "infirmiers"]
    assert checked["medecins_generalistes"].tolist() == [20, 3, 15]
    assert checked["infirmiers"].tolist() == [30, 4, 0]  # an empty cell counts 0
    assert str(checked["infirmiers"].dtype) == "int64"


def test_a_commune_may_be_named_and_a_missing_row_counts_zero(skeleton) -> None:
    table = pd.DataFrame({"code_commune": ["Mauguio"], "pharmacies": ["1 200"]})
    checked = require_counts(table, skeleton)
    assert checked["pharmacies"].tolist() == [0, 0, 1_200]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,5", "n'est pas un nombre entier"),
        ("-2", "négatif"),
        ("trois", "n'est pas un nombre lisible"),
        ("3 €", "sans unité"),
        (2.5, "n'est pas un nombre entier"),
    ],
)
def test_a_bad_count_names_its_row_commune_and_profession(skeleton, counts, value, expected):
    counts.loc[1, "infirmiers"] = value
    with pytest.raises(InputError) as caught:
        require_counts(counts, skeleton)
    message = plain(str(caught.value))
    assert expected in message
    assert "ligne 2 (Lunel-Viel (34146))" in message
    assert "colonne « Infirmiers »" in message


def test_an_unknown_or_repeated_commune_is_refused(skeleton, counts) -> None:
    counts.loc[2, "code_commune"] = "34172"
    with pytest.raises(InputError, match="ligne 3.*« 34172 » n'est pas dans le territoire"):
        require_counts(counts, skeleton)
    counts.loc[2, "code_commune"] = "34145"
    with pytest.raises(InputError, match="ligne 3 : la commune Lunel \\(34145\\) a déjà"):
        require_counts(counts, skeleton)


def test_counts_must_be_a_table_with_professions(skeleton) -> None:
    with pytest.raises(InputError, match="tableau"):
        require_counts([1, 2], skeleton)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="code_commune"):
        require_counts(pd.DataFrame({"infirmiers": [1]}), skeleton)
    with pytest.raises(InputError, match="aucune colonne de profession"):
        require_counts(pd.DataFrame({"code_commune": ["34145"]}), skeleton)


def test_structures_are_checked(skeleton) -> None:
    table = require_structures(
        [
            ("ehpad", "Les Oliviers", "lunel"),
            ("", "", ""),
            {"type": "MSP", "nom": "M", "code_commune": "34154"},
        ],
        skeleton,
    )
    assert table.values.tolist() == [
        ["EHPAD", "Les Oliviers", "34145", "Lunel"],
        ["MSP", "M", "34154", "Mauguio"],
    ]
    with pytest.raises(InputError, match="n° 1, colonne « type » : « garage »"):
        require_structures([("garage", "X", "34145")], skeleton)
    with pytest.raises(InputError, match="n° 1, colonne « nom »"):
        require_structures([("EHPAD", " ", "34145")], skeleton)
    with pytest.raises(InputError, match="choisissez sa commune"):
        require_structures([("EHPAD", "X", None)], skeleton)
    with pytest.raises(InputError, match="n'est pas une commune du territoire"):
        require_structures([("EHPAD", "X", "Montpellier")], skeleton)


def test_the_document_compares_densities_to_the_national_reference(document) -> None:
    assert document.title == "Diagnostic territorial — CPTS du Pays de Lunel"
    gp, nurses = document.densities
    assert (gp.profession, gp.effectif, gp.densite, gp.reference, gp.ecart) == (
        "Médecins généralistes",
        "38",
        "8,0",
        "14,9",
        "−6,9",
    )
    assert (nurses.effectif, nurses.densite, nurses.reference) == ("34", "7,1", "—")
    assert "Sages-femmes" in document.missing_professions
    assert document.priorities == (
        "Accès à un médecin traitant <script>alert(1)</script>",
        "Soins non programmés",
    )
    assert document.structures_by_type() == [
        ("EHPAD (1)", ["EHPAD Les Oliviers (Lunel)"]),
        ("MSP (1)", ["MSP de Mauguio (Mauguio)"]),
    ]


def test_the_document_needs_a_cpts_name(skeleton, counts) -> None:
    with pytest.raises(InputError, match="Nommez la CPTS"):
        diagnostic_document(skeleton, counts, cpts_name=" ")


def test_the_html_escapes_every_text(document) -> None:
    page = document.to_html()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.startswith("<!DOCTYPE html>")
    assert "47 652" in plain(page)
    assert "<!DOCTYPE" not in document._repr_html_()


def test_the_docx_reads_back_and_is_never_overwritten(document, tmp_path) -> None:
    folder = tmp_path / "mes_documents"
    html_path, docx_path = document.save(folder, "diagnostic")
    assert html_path == folder / "diagnostic.html"
    assert html_path.read_text(encoding="utf-8").count("Synthèse") >= 1
    word = docx.Document(str(docx_path))
    paragraphs = [plain(p.text) for p in word.paragraphs]
    assert paragraphs[0] == "Diagnostic territorial — CPTS du Pays de Lunel"
    assert "Population municipale : 47 652 habitants" in paragraphs
    assert "Taille ACI : 2" in paragraphs
    assert "Accès à un médecin traitant <script>alert(1)</script>" in paragraphs
    assert "Deuxième paragraphe." in paragraphs
    rows = [[plain(c.text) for c in row.cells] for table in word.tables for row in table.rows]
    assert ["Médecins généralistes", "38", "8,0", "14,9", "−6,9"] in rows
    assert ["Lunel-Viel", "34146", "4 507"] in rows
    before = docx_path.read_bytes()
    with pytest.raises(InputError, match="existe déjà"):
        document.save(folder, "diagnostic")
    with pytest.raises(InputError, match="existe déjà"):
        document.to_docx(docx_path)
    assert docx_path.read_bytes() == before
    document.save(folder, "diagnostic", overwrite=True)


def test_a_bad_file_name_is_refused(document, tmp_path) -> None:
    with pytest.raises(InputError, match="Nom de fichier"):
        document.save(tmp_path, "a/b")
    with pytest.raises(InputError, match="extension .docx"):
        document.to_docx(tmp_path / "x.doc")

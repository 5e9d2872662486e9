"""Tests of the référentiel data file, its loader and its Markdown rendering."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cpts_training.errors import DataError
from cpts_training.referentiel import (
    Referentiel,
    default_referentiel_path,
    load_referentiel,
    render_markdown,
)
from cpts_training.referentiel.page import competency_target

REPO = Path(__file__).resolve().parents[1]
REFERENTIEL_YAML = REPO / "course" / "referentiel.yaml"
EXCERPT = REPO / "course" / "sources" / "ars_occitanie_2023_blocs.txt"

# Bloc titles as printed in the cahier des charges, in its order.
BLOC_TITLES = {
    "Management en univers incertain": "B1",
    "Management de l'intelligence collective d'une structure dans son écosystème": "B2",
    "Assurer le management opérationnel et l'animation d'équipe": "B3",
    "Assurer le management de l'information, outils numériques et aide à la décision": "B4",
    "Prendre en charge la gestion financière, budgétaire et comptable": "B5",
}
ELLIPSIS = re.compile(r"^\.{3,}$")

# Fragments of English messages (pydantic, PyYAML) that must never reach a user.
ENGLISH_FRAGMENTS = (
    "Field required",
    "Input should",
    "validation error",
    "Value error",
    "Extra inputs",
    "mapping values",
    "could not find",
    "while parsing",
    "while scanning",
    "found character",
    "For further information",
)


def parse_excerpt(path: Path = EXCERPT) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Competency lines per bloc id, and whether each bloc's list ends with an ellipsis."""
    lines: dict[str, list[str]] = {}
    elided: dict[str, bool] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == "Bloc de compétences":
            continue
        if line in BLOC_TITLES:
            current = BLOC_TITLES[line]
            lines[current] = []
            elided[current] = False
            continue
        assert current is not None, f"ligne avant le premier titre de bloc : {line!r}"
        if ELLIPSIS.match(line.strip()):
            elided[current] = True
            continue
        assert not elided[current], f"compétence après « ... » dans {current} : {line!r}"
        lines[current].append(line)
    return lines, elided


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load_referentiel()


@pytest.fixture(scope="module")
def excerpt() -> tuple[dict[str, list[str]], dict[str, bool]]:
    return parse_excerpt()


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(REFERENTIEL_YAML.read_text(encoding="utf-8"))


def assert_french(message: str) -> None:
    for fragment in ENGLISH_FRAGMENTS:
        assert fragment not in message, f"message non traduit : {message}"
    assert "Correction" in message, f"le message n'indique pas la correction : {message}"


# ---------------------------------------------------------------------------- loading


def test_loads_the_real_file(ref: Referentiel) -> None:
    assert ref.id == "referentiel-coordinateur-cpts-occitanie"
    assert [bloc.id for bloc in ref.blocs] == ["B1", "B2", "B3", "B4", "B5"]
    assert [phase.id for phase in ref.phases] == ["P1", "P2"]
    assert ref.path is not None and ref.path.exists()
    assert load_referentiel(REFERENTIEL_YAML).blocs == ref.blocs


def test_default_path_points_to_an_existing_referentiel() -> None:
    path = default_referentiel_path()
    assert path.name == "referentiel.yaml"
    assert path.exists()


def test_bloc_labels_are_the_source_titles(ref: Referentiel) -> None:
    assert [bloc.label for bloc in ref.blocs] == list(BLOC_TITLES)


# ------------------------------------------------------- fidelity to the source document


def test_excerpt_lists_the_expected_number_of_competencies(excerpt) -> None:
    lines, elided = excerpt
    assert {bloc_id: len(labels) for bloc_id, labels in lines.items()} == {
        "B1": 9,
        "B2": 8,
        "B3": 5,
        "B4": 7,
        "B5": 15,
    }
    assert elided == {"B1": True, "B2": False, "B3": True, "B4": True, "B5": True}


@pytest.mark.parametrize("bloc_id", ["B1", "B2", "B3", "B4", "B5"])
def test_source_competencies_match_the_excerpt(ref: Referentiel, excerpt, bloc_id: str) -> None:
    lines, _ = excerpt
    listed = [c for c in ref.bloc(bloc_id).competencies if c.origin == "source"]
    assert len(listed) == len(lines[bloc_id])
    assert [c.label for c in listed] == lines[bloc_id]


@pytest.mark.parametrize("bloc_id", ["B1", "B2", "B3", "B4", "B5"])
def test_source_competencies_come_first_with_consecutive_ids(ref: Referentiel, bloc_id) -> None:
    competencies = ref.bloc(bloc_id).competencies
    origins = [c.origin for c in competencies]
    n_source = origins.count("source")
    assert origins[:n_source] == ["source"] * n_source
    assert [c.id for c in competencies] == [
        f"{bloc_id}.C{n:02d}" for n in range(1, len(competencies) + 1)
    ]


@pytest.mark.parametrize("bloc_id", ["B1", "B2", "B3", "B4", "B5"])
def test_elided_blocs_are_completed_with_a_quoted_justification(
    ref: Referentiel, excerpt, bloc_id: str
) -> None:
    _, elided = excerpt
    completed = [c for c in ref.bloc(bloc_id).competencies if c.origin == "completed"]
    if elided[bloc_id]:
        assert 1 <= len(completed) <= 4
    else:
        assert completed == []
    for competency in completed:
        assert competency.completed_from
        assert re.search(r"« .+ »", competency.completed_from), competency.id


def test_ids_are_unique_across_the_whole_file(raw: dict[str, Any]) -> None:
    ids: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "id" in node:
                ids.append(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(raw)
    assert len(ids) > 60
    assert len(ids) == len(set(ids))


# -------------------------------------------------------------------------- helpers


def test_competency_lookup(ref: Referentiel) -> None:
    assert ref.competency("B5.C03").label == "Présenter le budget devant la gouvernance"
    assert ref.bloc_of("B5.C03").id == "B5"
    assert ref.bloc_of("B1.C01").label == "Management en univers incertain"
    assert [c.id for c in ref.competencies()][:2] == ["B1.C01", "B1.C02"]
    assert len(ref.competencies()) == sum(len(b.competencies) for b in ref.blocs)


@pytest.mark.parametrize("method", ["competency", "bloc_of"])
def test_unknown_id_suggests_close_ids(ref: Referentiel, method: str) -> None:
    with pytest.raises(DataError) as info:
        getattr(ref, method)("B3.C2")
    message = str(info.value)
    assert "Compétence « B3.C2 » inconnue" in message
    assert "« B3.C02 »" in message
    assert "referentiel.yaml" in message
    assert_french(message)


def test_to_dataframe(ref: Referentiel) -> None:
    df = ref.to_dataframe()
    assert list(df.columns) == ["bloc_id", "bloc_label", "competency_id", "label", "origin"]
    assert len(df) == len(ref.competencies())
    assert df["competency_id"].is_unique
    assert set(df["origin"]) == {"source", "completed"}
    assert (df.groupby("bloc_id").size() == [len(b.competencies) for b in ref.blocs]).all()


# -------------------------------------------------------------------- invalid files


def _competency(raw: dict[str, Any], bloc: int, position: int) -> dict[str, Any]:
    return raw["blocs"][bloc]["competencies"][position]


def _duplicate_id(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["id"] = "B3.C01"


def _wrong_prefix(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["id"] = "B4.C02"


def _missing_label(raw: dict[str, Any]) -> None:
    del _competency(raw, 2, 1)["label"]


def _empty_label(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["label"] = "   "


def _bad_origin(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["origin"] = "sources"


def _source_with_justification(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["completed_from"] = "« Assurer le management opérationnel »"


def _completed_without_source(raw: dict[str, Any]) -> None:
    del _competency(raw, 2, 5)["completed_from"]


def _malformed_id(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["id"] = "B3.2"


def _four_blocs(raw: dict[str, Any]) -> None:
    raw["blocs"].pop()


def _unknown_field(raw: dict[str, Any]) -> None:
    _competency(raw, 2, 1)["lable"] = _competency(raw, 2, 1).pop("label")


def _wrong_type(raw: dict[str, Any]) -> None:
    raw["blocs"][0]["competencies"] = "Organiser la vie associative"


def _duplicate_step_id(raw: dict[str, Any]) -> None:
    raw["phases"][1]["steps"][0]["id"] = "P1.E1"


INVALID_CONTENTS: dict[str, tuple[Callable[[dict[str, Any]], None], list[str]]] = {
    "duplicate_id": (_duplicate_id, ["« B3.C01 » utilisé deux fois", "bloc B3, compétence n°2"]),
    "wrong_prefix": (_wrong_prefix, ["bloc B3", "préfixe « B4 »", "renommez-la"]),
    "missing_label": (_missing_label, ["bloc B3, compétence n°2", "champ « label » manquant"]),
    "empty_label": (_empty_label, ["bloc B3, compétence n°2", "« label »", "texte vide"]),
    "bad_origin": (_bad_origin, ["« sources » non autorisée", "« source », « completed »"]),
    "source_with_justification": (
        _source_with_justification,
        ["bloc B3, compétence n°2", "compétence « source » avec un champ « completed_from »"],
    ),
    "completed_without_source": (
        _completed_without_source,
        ["bloc B3, compétence n°6", "sans champ « completed_from »"],
    ),
    "malformed_id": (_malformed_id, ["identifiant « B3.2 » invalide", "B3.C02"]),
    "four_blocs": (_four_blocs, ["exactement 5 blocs", "il en contient 4"]),
    "unknown_field": (_unknown_field, ["champ « lable » inconnu", "« label »"]),
    "wrong_type": (_wrong_type, ["bloc B1, champ « competencies »", "une liste est attendue"]),
    "duplicate_step_id": (_duplicate_step_id, ["« P1.E1 » utilisé deux fois", "phase P2"]),
}


@pytest.mark.parametrize("case", list(INVALID_CONTENTS))
def test_invalid_content_gives_a_french_data_error(
    tmp_path: Path, raw: dict[str, Any], case: str
) -> None:
    mutate, expected = INVALID_CONTENTS[case]
    broken = copy.deepcopy(raw)
    mutate(broken)
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(DataError) as info:
        load_referentiel(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, f"« {fragment} » absent de : {message}"
    assert_french(message)


YAML_TEXT = REFERENTIEL_YAML.read_text(encoding="utf-8")

INVALID_YAML: dict[str, tuple[str, list[str]]] = {
    "unquoted_colon": (
        YAML_TEXT.replace(
            'label: "Analyse diagnostique du territoire"',
            "label: Analyse : diagnostique: du territoire",
        ),
        ["n'est pas un YAML valide", "ligne ", "« : » inattendu"],
    ),
    "tab_indent": (
        YAML_TEXT.replace('    label: "Fonction managériale"', '\tlabel: "Fonction managériale"'),
        ["n'est pas un YAML valide", "tabulation"],
    ),
    "unclosed_bracket": ("id: [a, b\n", ["n'est pas un YAML valide", "ligne 2"]),
    "duplicate_key": (
        YAML_TEXT.replace(
            "        origin: source\n", "        origin: source\n        origin: source\n", 1
        ),
        ["clé « origin » en double"],
    ),
    "empty_file": ("", ["vide"]),
    "not_a_mapping": ("- B1\n- B2\n", ["liste"]),
}


@pytest.mark.parametrize("case", list(INVALID_YAML))
def test_bad_yaml_gives_a_french_data_error(tmp_path: Path, case: str) -> None:
    text, expected = INVALID_YAML[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_referentiel(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, f"« {fragment} » absent de : {message}"
    assert_french(message)


def test_missing_file_gives_a_french_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="introuvable"):
        load_referentiel(tmp_path / "absent.yaml")


def test_direct_construction_is_validated_too(raw: dict[str, Any]) -> None:
    _duplicate_id(raw)
    with pytest.raises(ValueError, match="utilisé deux fois"):
        Referentiel.model_validate(raw)


# --------------------------------------------------------------------------- rendering


def test_render_markdown_lists_everything(ref: Referentiel) -> None:
    page = render_markdown(ref)
    assert page.startswith("(referentiel)=\n# Référentiel de compétences\n")
    assert ref.source.label in page
    for competency in ref.competencies():
        # One row of the bloc's list-table, the id carrying its stable anchor.
        assert (
            f"* - ({competency_target(competency.id)})=\n\n    {competency.id}\n"
            f"  - {competency.label}\n"
        ) in page
    for phase in ref.phases:
        assert phase.label in page
        for step in phase.steps:
            assert step.label in page
    for bloc in ref.blocs:
        assert f"### {bloc.id} : {bloc.label}" in page
        assert f"(referentiel-{bloc.id.lower()})=" in page
    for item in ref.profile.savoirs + ref.profile.savoir_faire + ref.profile.savoir_etre:
        assert item.label in page
    completed = [c for c in ref.competencies() if c.origin == "completed"]
    assert page.count("complétée (d'après : ") == len(completed)
    # A competency listed verbatim in the cahier des charges shows that document as origin.
    listed = [c for c in ref.competencies() if c.origin == "source"]
    assert page.count("\n  - cahier des charges\n") == len(listed)


def test_render_markdown_escapes_pipes(ref: Referentiel) -> None:
    bloc = ref.blocs[0]
    first = bloc.competencies[0].model_copy(update={"label": "Budget | trésorerie"})
    changed = bloc.model_copy(update={"competencies": [first, *bloc.competencies[1:]]})
    page = render_markdown(ref.model_copy(update={"blocs": [changed, *ref.blocs[1:]]}))
    assert "    B1.C01\n  - Budget \\| trésorerie\n" in page
    for line in page.splitlines():
        if line.startswith("| B"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 4, line

"""Self-checks and widgets answer in French, with a hint, never with a traceback."""

from __future__ import annotations

import pytest

from cpts_training.checks import (
    as_number,
    check_aci_size,
    check_choice,
    check_number,
    check_share_75_plus,
)
from cpts_training.datasets import load_territory
from cpts_training.widgets.territory import CommuneExplorer, aci_size_quiz, commune_card


@pytest.fixture(scope="module")
def territory():
    return load_territory()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(12, 12.0), ("11,9", 11.9), ("11.9 %", 11.9), ("52\u202f886", 52886.0), (" 7 ", 7.0)],
)
def test_answers_are_read_as_numbers(answer: object, expected: float) -> None:
    assert as_number(answer) == pytest.approx(expected)


@pytest.mark.parametrize("answer", [None, ...])
def test_missing_answers_get_a_french_explanation(answer: object) -> None:
    result = check_number(answer, 10, "le total")
    assert not result
    assert "aucune réponse numérique pour « le total »" in str(result)
    assert "Indice" in str(result)


@pytest.mark.parametrize(
    ("answer", "explanation"),
    [
        ("", "est un texte"),
        ("onze", "est un texte (« onze »)"),
        ("4 500", "retirez les guillemets et écrivez « 4\u202f500 »"),
        (True, "doit être un nombre"),
        (float("nan"), "pas un nombre fini"),
        ([1], "doit être un nombre"),
        ((10, 5), "écrivez la virgule sans espace : « 10,5 »"),
    ],
)
def test_answers_that_are_not_numbers_are_named(answer: object, explanation: str) -> None:
    result = check_number(answer, 10, "le total")
    assert not result
    assert "pour le total" in str(result) and explanation in str(result)


def test_number_check_says_too_high_or_too_low() -> None:
    assert "trop élevée" in str(check_number(12, 10, "la part", hint="revoyez"))
    assert "trop faible" in str(check_number(8, 10, "la part"))
    assert check_number(10.04, 10, "la part", tolerance=0.05)


def test_share_of_75_plus_matches_the_hand_computed_value(territory) -> None:
    # 6 319 people aged 75+ out of 52 886 inhabitants → 11.948… → 11.9 %.
    assert check_share_75_plus(11.9, territory)
    # A number between quotes is named: the graded assessments would not accept it.
    assert not check_share_75_plus("11,9", territory)
    assert not check_share_75_plus(11.8, territory)
    assert not check_share_75_plus(0.119, territory)


def test_aci_size_check(territory) -> None:
    assert check_aci_size(2, territory)
    wrong = check_aci_size(3, territory)
    assert not wrong and "52 886" in str(wrong).replace("\u202f", " ")
    assert "aucun choix" in str(check_aci_size(None, territory))


def test_choice_check_and_html_rendering() -> None:
    good = check_choice("A", "A", "la lettre")
    bad = check_choice("B", "A", "la lettre", hint="relisez")
    assert "✔ Bonne réponse" in good._repr_html_()
    assert "✘ Pas encore" in bad._repr_html_() and "relisez" in bad._repr_html_()
    assert "<script>" not in check_choice("<script>", "A", "x")._repr_html_()


def test_commune_explorer_updates_its_card(territory) -> None:
    explorer = CommuneExplorer(territory)
    assert len(explorer.selector.options) == len(territory.communes)
    explorer.selector.value = "AUB03"
    assert "Saint-Aurèle-du-Causse" in explorer.card.value
    assert explorer.card.value == commune_card(territory, "AUB03")


def test_commune_card_of_the_bourg_centre(territory) -> None:
    card = commune_card(territory, "AUB01")
    # 14 384 inhabitants, 1 554 aged 75+ → 10.8 %; 14 384 / 41.6 km² → 345.8 hab/km².
    assert "c'est le bourg-centre" in card
    assert "10,8 %" in card and "345,8 hab/km²" in card


def test_aci_size_quiz_button_shows_the_verdict(territory) -> None:
    quiz = aci_size_quiz(territory)
    assert not quiz.verify()
    quiz.choices.value = 2
    quiz.button.click()
    assert "Bonne réponse" in quiz.verdict.value
    quiz.choices.value = 1
    quiz.button.click()
    assert "Pas encore" in quiz.verdict.value


def test_priority_communes_names_the_listed_communes_above_the_threshold() -> None:
    from cpts_training.territory import load_territory
    from cpts_training.territory.checks import check_priority_communes

    territory = load_territory()
    # With a threshold of 46,3, the five communes under it are AUB13, AUB14, AUB16, AUB17
    # and AUB18 (module 02's answer); Montcaussel (AUB04, 46,8) is just above it.
    right = check_priority_communes(46.3, ["AUB13", "AUB14", "AUB16", "AUB17", "AUB18"], territory)
    assert right.correct
    wrong = check_priority_communes(
        46.3, ["AUB13", "AUB14", "AUB16", "AUB17", "Montcaussel"], territory
    )
    assert not wrong.correct
    assert "il manque 1 commune(s)" in wrong.message
    assert "Montcaussel n'est pas sous ce seuil" in wrong.message

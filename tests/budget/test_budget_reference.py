"""Reference parameters: loading, dated values, verification labels and file errors."""

import datetime as dt

import pytest

from cpts_training.errors import DataError, InputError
from cpts_training.reference import (
    UNVERIFIED_AMOUNT_LABEL,
    learner_label,
    list_parameters,
    load_parameter,
    parse_parameter,
)


def plain(text: str) -> str:
    """Message with ordinary spaces instead of the French no-break spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_every_shipped_parameter_loads_with_sources_and_a_unit():
    names = list_parameters()
    assert "aci/fonctionnement" in names
    assert "pss/plafond_annuel" in names
    for name in names:
        parameter = load_parameter(name)
        assert parameter.description
        assert parameter.metadata.reference
        assert all(ref.url or ref.title for ref in parameter.metadata.reference)
        assert parameter.unit in {"currency", "population", "rate", "month", "text"}


def test_pass_is_read_for_a_date():
    pass_ = load_parameter("pss/plafond_annuel")
    assert pass_.value_at("2023-06-30") == 43992
    assert pass_.value_at(dt.date(2024, 1, 1)) == 46368
    assert pass_.value_at("2025-12-31") == 47100
    assert pass_.value_at("2026-03-01") == 48060
    assert pass_.verified


def test_value_before_the_first_date_fails_in_french():
    with pytest.raises(InputError) as err:
        load_parameter("pss/plafond_annuel").value_at("2019-05-01")
    message = err.value.args[0]
    assert "n'a pas de valeur avant le 01/01/2023" in message
    assert "Choisissez une date" in message


def test_aci_sizes_thresholds_and_maxima_are_confirmed():
    thresholds = load_parameter("aci/seuils_population")
    assert thresholds.value_at("2024-04-01") == {
        "taille_2": 40000,
        "taille_3": 80000,
        "taille_4": 175000,
    }
    assert thresholds.verified
    maxima = load_parameter("aci/plafond_annuel").value_at("2024-04-01")
    assert [maxima[f"taille_{k}"] for k in (1, 2, 3, 4)] == [220000, 287000, 370000, 450000]


def test_unconfirmed_amounts_carry_the_learner_warning():
    fonctionnement = load_parameter("aci/fonctionnement")
    assert not fonctionnement.verified
    assert learner_label(fonctionnement) == "montant indicatif — à vérifier dans votre contrat"
    assert learner_label(fonctionnement) == UNVERIFIED_AMOUNT_LABEL
    for mission in ("acces_aux_soins", "prevention", "crises_sanitaires_graves"):
        parameter = load_parameter(f"aci/missions/{mission}")
        assert not parameter.verified
        assert "ne se réconcilie pas" in parameter.metadata.note
    assert learner_label(load_parameter("pss/plafond_annuel")) == ""


def test_payment_rule_and_assumptions_are_parameters():
    assert load_parameter("aci/versement/taux_avance_part_fixe").value_at("2024-04-01") == 0.75
    assert load_parameter("aci/versement/taux_avance_part_fixe").verified
    assumption = load_parameter("aci/versement/taux_avance_fonctionnement")
    assert not assumption.verified
    assert "Hypothèse" in assumption.metadata.note
    rate = load_parameter("budget/taux_charges_patronales")
    assert rate.value_at("2025-01-01") == 0.42
    assert not rate.verified
    assert "convention collective" in rate.metadata.note


def test_crisis_mission_exists_only_after_avenant_2():
    with pytest.raises(InputError):
        load_parameter("aci/missions/crises_sanitaires_graves").value_at("2021-01-01")
    catalogue = load_parameter("aci/missions/catalogue")
    assert "crises_sanitaires_graves" not in catalogue.value_at("2021-01-01")
    assert "crises_sanitaires_graves" in catalogue.value_at("2024-04-01")


def test_unknown_parameter_names_the_file_and_the_known_ones():
    with pytest.raises(DataError) as err:
        load_parameter("aci/inexistant")
    assert "introuvable" in err.value.args[0]
    assert "aci/fonctionnement" in err.value.args[0]


GOOD = {
    "description": "Un paramètre d'essai.",
    "metadata": {
        "reference": [{"label": "Source", "title": "Document"}],
        "unit": "currency",
        "verified": False,
    },
    "values": {"2020-01-01": {"value": 10}},
}


def broken(**changes):
    raw = {key: dict(value) if isinstance(value, dict) else value for key, value in GOOD.items()}
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            raw[section] = {**raw[section], field: value}
        else:
            raw[section] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (broken(metadata__unit="euro"), ["metadata.unit", "euro", "currency"]),
        (broken(metadata__verified="oui"), ["verified", "true", "false"]),
        (broken(metadata__reference=[{"label": "Sans lien"}]), ["url", "title", "traçable"]),
        (broken(values={"début": {"value": 1}}), ["n'est pas une date", "AAAA-MM-JJ"]),
        (broken(values={"2020-01-01": {"value": -5}}), ["négative", "positif"]),
        (broken(values={"2020-01-01": {"value": "dix"}}), ["pas un nombre"]),
        (
            broken(metadata__unit="rate", values={"2020-01-01": {"value": 75}}),
            ["fraction entre 0 et 1"],
        ),
    ],
)
def test_invalid_parameter_files_fail_in_french_naming_the_file(raw, words):
    with pytest.raises(DataError) as err:
        parse_parameter("essai", raw, source="Fichier de paramètre « essai.yaml »")
    message = plain(err.value.args[0])
    assert "essai.yaml" in message
    for word in words:
        assert word in message


def test_missing_top_level_key_is_named():
    raw = {k: v for k, v in GOOD.items() if k != "values"}
    with pytest.raises(DataError, match="manquante.*values"):
        parse_parameter("essai", raw)

"""Reference parameters: loading, dated values, verification labels and file errors."""

import datetime as dt
import re
from pathlib import Path

import pytest

import cpts_training
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
        assert parameter.unit in {"currency", "population", "rate", "month", "number", "text"}


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


def test_aci_sizes_thresholds_and_2019_maxima_are_confirmed():
    thresholds = load_parameter("aci/seuils_population")
    assert thresholds.value_at("2024-04-01") == {
        "taille_2": 40000,
        "taille_3": 80000,
        "taille_4": 175000,
    }
    assert thresholds.verified
    # The maxima of the 2019 text are read before avenant 2 (JO of 31/03/2022): at
    # 2024-04-01 the size-4 maximum is now the avenant 2 value, 580 000 (next test).
    ceilings = load_parameter("aci/plafond_annuel")
    maxima = ceilings.value_at("2022-03-30")
    assert [maxima[f"taille_{k}"] for k in (1, 2, 3, 4)] == [220000, 287000, 370000, 450000]
    assert ceilings.verified_at("2019-08-25")
    assert ceilings.verified_at("2022-03-30")


def test_avenant_2_raises_only_the_size_4_maximum_and_is_unconfirmed():
    ceilings = load_parameter("aci/plafond_annuel")
    assert ceilings.dates == (dt.date(2019, 8, 25), dt.date(2022, 3, 31))
    maxima = ceilings.value_at("2024-04-01")
    assert [maxima[f"taille_{k}"] for k in (1, 2, 3, 4)] == [220000, 287000, 370000, 580000]
    assert not ceilings.verified_at("2022-03-31")
    assert not ceilings.verified_at("2024-01-01")
    # One unconfirmed entry makes the parameter as a whole unconfirmed.
    assert not ceilings.verified
    assert learner_label(ceilings, "2024-01-01") == UNVERIFIED_AMOUNT_LABEL
    assert learner_label(ceilings, "2020-01-01") == ""
    entry = ceilings.entry_at("2024-01-01")
    assert entry.verified is False
    assert "taille 4" in entry.note
    assert "lesml.org" in " ".join(ref.title or "" for ref in ceilings.metadata.reference)


def test_crisis_mission_calendar_is_confirmed_but_not_its_amounts():
    calendar_ = load_parameter("aci/missions/calendrier_deploiement")
    delays = calendar_.value_at("2024-04-01")["crises_sanitaires_graves"]
    assert delays == {"demarrage_mois": 6, "deploiement_mois": 18}
    assert calendar_.verified_at("2024-04-01")
    assert "PAPS Hauts-de-France" in calendar_.entry_at("2024-04-01").note
    titles = [ref.title for ref in calendar_.metadata.reference]
    assert "Le financement de la CPTS : l'ACI (mis à jour le 30/11/2023)" in titles
    assert not load_parameter("aci/missions/crises_sanitaires_graves").verified


def test_per_mission_amounts_cite_the_2019_text():
    citation = (
        "Arrêté du 21 août 2019 portant approbation de l'accord conventionnel "
        "interprofessionnel relatif aux CPTS (Journal officiel) — table reconstituée, "
        "montants non confirmés"
    )
    for name in (
        "aci/fonctionnement",
        "aci/missions/acces_aux_soins",
        "aci/missions/parcours_pluriprofessionnels",
        "aci/missions/prevention",
        "aci/missions/qualite_pertinence",
        "aci/missions/accompagnement_professionnels",
    ):
        parameter = load_parameter(name)
        assert citation in [ref.label for ref in parameter.metadata.reference], name
        assert not parameter.verified, name


# A data file names the public text a figure comes from (or must be checked against),
# never a recollection of it.
RECOLLECTION = re.compile(r"souv[e]nir|m[ée]m[o]ire", re.IGNORECASE)


def test_data_files_cite_sources_only():
    data = Path(cpts_training.__file__).parent / "data"
    for path in sorted(data.rglob("*")):
        if path.suffix not in {".yaml", ".yml", ".csv", ".txt", ".md"}:
            continue
        found = RECOLLECTION.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name} : « {found and found.group()} »"


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
        (broken(metadata__short_label=["Titre"]), ["metadata.short_label", "titre court"]),
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


def test_per_entry_verified_overrides_the_metadata():
    raw = broken(
        metadata__verified=True,
        values={
            "2020-01-01": {"value": 10},
            "2022-03-31": {"value": 12, "verified": False, "note": "Valeur non confirmée."},
        },
    )
    parameter = parse_parameter("essai", raw)
    assert parameter.verified_at("2021-06-30")
    assert not parameter.verified_at("2022-03-31")
    assert not parameter.verified
    assert list(parameter.to_frame()["verifie"]) == [True, False]


def test_source_label_never_nests_parentheses():
    # pss/plafond_annuel: the JO title « Journal officiel (arrêté publié …) » has its own
    # parentheses, so it follows its label after a dash.
    label = load_parameter("pss/plafond_annuel").source_label()
    assert "Arrêté annuel portant fixation du plafond de la sécurité sociale — Journal" in label
    for name in list_parameters():
        text = load_parameter(name).source_label()
        depth = 0
        for character in text:
            depth += {"(": 1, ")": -1}.get(character, 0)
            assert depth <= 1, (name, text)

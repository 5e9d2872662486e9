"""Self-checks of modules 00 and 02 on the territory: answer in French, never raise."""

from __future__ import annotations

import unicodedata

import pandas as pd

from cpts_training.budget.aci import aci_size
from cpts_training.checks.core import (
    CheckResult,
    as_number,
    check_choice,
    check_number,
    missing_answer,
)
from cpts_training.formatting import format_decimal_fr, format_number_fr
from cpts_training.territory.accessibility import accessibility
from cpts_training.territory.case_study import Territory
from cpts_training.territory.density import TERRITORY_LABEL, density
from cpts_training.territory.resources import load_professionals, load_travel_times
from cpts_training.territory.size import population_date, size_thresholds


def check_share_75_plus(answer: object, territory: Territory) -> CheckResult:
    """Self-check of the share (in %, one decimal) of people aged 75 and over."""
    expected = round(100 * territory.share_75_plus, 1)
    return check_number(
        answer,
        expected,
        "la part des 75 ans et plus",
        tolerance=0.05,
        unit="%",
        decimals=1,
        hint="divisez le nombre de personnes de 75 ans et plus par la population totale, "
        "multipliez par 100, puis arrondissez à une décimale.",
    )


def check_aci_size(answer: object, territory: Territory) -> CheckResult:
    """Self-check of the ACI size of the territory's CPTS."""
    population = territory.population
    at = population_date(territory)
    bounds = ", ".join(format_number_fr(b) for b in size_thresholds(at))
    return check_choice(
        answer,
        aci_size(population, at),
        "la taille ACI de la CPTS",
        hint=f"la population couverte est de {format_number_fr(population)} habitants : "
        f"comparez-la aux seuils ({bounds} habitants).",
    )


# --------------------------------------------------------------------------------------
# Module 02 « Diagnostic territorial et cartographie des ressources »
# --------------------------------------------------------------------------------------

GP = "medecins_generalistes"
GP_60_PLUS = "mg_60_plus"

TOY_SUPPLY = {"A": 2, "B": 0, "C": 1}
"""Exercise 3's toy territory: GPs per commune."""
TOY_DEMAND = {"A": 3000, "B": 1000, "C": 2000}
"""Exercise 3's toy territory: standardised inhabitants per commune."""
TOY_MINUTES = {("A", "B"): 10, ("A", "C"): 25, ("B", "C"): 15}
"""Exercise 3's toy territory: car minutes between communes (20-minute catchment, no decay)."""


def gp_density_per_10000(territory: Territory) -> float:
    """GPs per 10 000 inhabitants on the whole territory of the case."""
    table = density(
        load_professionals()[[GP]].rename_axis("code_commune").reset_index(),
        territory.communes[["code_commune", "population"]],
    )
    return float(table.at[TERRITORY_LABEL, GP])  # type: ignore[arg-type]  # a number


def check_gp_density(answer: object, territory: Territory) -> CheckResult:
    """Exercise: GPs per 10 000 inhabitants on the territory, rounded to one decimal."""
    return check_number(
        answer,
        round(gp_density_per_10000(territory), 1),
        "la densité de médecins généralistes pour 10 000 habitants",
        tolerance=0.051,
        hint="densité = nombre de médecins généralistes × 10 000 ÷ population du territoire "
        "(les deux totaux sont dans les tableaux au-dessus).",
    )


def gp_60_plus_percent() -> float:
    """Share of the case's GPs aged 60 or over, in %."""
    counts = load_professionals()
    return float(100 * counts[GP_60_PLUS].sum() / counts[GP].sum())


def check_gp_60_plus(answer: object) -> CheckResult:
    """Exercise: the share of GPs aged 60 or over, in %, one decimal."""
    return check_number(
        answer,
        round(gp_60_plus_percent(), 1),
        "la part des médecins généralistes de 60 ans et plus",
        tolerance=0.051,
        unit="%",
        hint="part = médecins de 60 ans et plus ÷ ensemble des médecins généralistes × 100.",
    )


def toy_accessibility_b() -> float:
    """Exercise 3: accessibility of commune B, GPs per 100 000 standardised inhabitants."""
    codes = list(TOY_SUPPLY)
    minutes = pd.DataFrame(0.0, index=codes, columns=codes)
    for (a, b), value in TOY_MINUTES.items():
        minutes.loc[a, b] = minutes.loc[b, a] = value
    result = accessibility(
        pd.DataFrame({"code_commune": codes, "offre": list(TOY_SUPPLY.values())}),
        pd.DataFrame({"code_commune": codes, "habitants": list(TOY_DEMAND.values())}),
        minutes,
        catchment_min=20,
        decay={20: 1.0},
        weights={"habitants": 1.0},
    )
    return float(result.loc[result["code_commune"] == "B", "accessibilite"].iloc[0])


def check_toy_accessibility(answer: object) -> CheckResult:
    """Exercise: commune B's accessibility in the 3-commune example, per 100 000."""
    return check_number(
        answer,
        round(toy_accessibility_b(), 1),
        "l'accessibilité de la commune B (médecins pour 100 000 habitants)",
        tolerance=0.11,
        hint="étape 1 : pour A et pour C, médecins ÷ habitants à 20 minutes ou moins ; "
        "étape 2 : B additionne les rapports des communes qu'elle atteint en 20 minutes, "
        "puis × 100 000.",
    )


def prospective_gp_density(territory: Territory) -> float:
    """GPs per 10 000 inhabitants if every GP aged 60+ stops and none is replaced."""
    counts = load_professionals()
    remaining = counts[GP].sum() - counts[GP_60_PLUS].sum()
    return float(remaining * 10_000 / territory.population)


def check_prospective_density(answer: object, territory: Territory) -> CheckResult:
    """Exercise: the GP density in five years if the GPs aged 60+ are not replaced."""
    return check_number(
        answer,
        round(prospective_gp_density(territory), 1),
        "la densité de médecins généralistes dans cinq ans",
        tolerance=0.051,
        hint="retirez les médecins de 60 ans et plus du nombre total, puis recalculez la "
        "densité pour 10 000 habitants (population inchangée).",
    )


def check_priority_communes(
    threshold: object, communes: object, territory: Territory, catchment_min: float = 20
) -> CheckResult:
    """Exercise: the communes under the accessibility threshold the trainee chose.

    The threshold is the trainee's decision (GPs per 100 000 standardised inhabitants);
    the check says whether the list holds exactly the communes under it, never which ones.
    """
    value = as_number(threshold)
    if value is None:
        return missing_answer("le seuil choisi")
    if value <= 0:
        return CheckResult(False, "un seuil d'accessibilité est un nombre positif.", None)
    if communes is None or communes is Ellipsis:
        return missing_answer("la liste des communes prioritaires")
    if isinstance(communes, str) or not isinstance(communes, list | tuple | set):
        return CheckResult(
            False,
            "écrivez la liste entre crochets, chaque code entre guillemets.",
            'par exemple ["AUB11", "AUB13"].',
        )
    by_name = {
        _folded(name): code
        for code, name in zip(
            territory.communes["code_commune"], territory.communes["commune"], strict=True
        )
    }
    known = set(territory.communes["code_commune"])
    given: set[str] = set()
    unknown: list[str] = []
    for item in communes:
        text = str(item).strip()
        code = text.upper() if text.upper() in known else by_name.get(_folded(text))
        if code is None:
            unknown.append(text)
        else:
            given.add(code)
    if unknown:
        return CheckResult(
            False,
            f"commune(s) inconnue(s) : {', '.join(unknown)}.",
            "écrivez le nom de la commune comme dans le tableau (Caussanel) ou son code (AUB18).",
        )
    table = gp_accessibility(territory, catchment_min)
    expected = set(table.loc[table["accessibilite"] < value, "code_commune"])
    if given == expected:
        return CheckResult(
            True,
            f"{len(given)} commune(s) sous votre seuil de {format_decimal_fr(value, 1)}. "
            "Justifiez maintenant ce seuil ci-dessous.",
        )
    missing, extra = len(expected - given), sorted(given - expected)
    names = dict(
        zip(territory.communes["code_commune"], territory.communes["commune"], strict=True)
    )
    parts = []
    if missing:
        parts.append(f"il manque {missing} commune(s) sous votre seuil")
    if extra:
        # Naming the communes of the trainee's own list that are above the threshold
        # gives away nothing the explorer does not show.
        verb = "n'est" if len(extra) == 1 else "ne sont"
        listed = ", ".join(str(names[code]) for code in extra)
        parts.append(f"{listed} {verb} pas sous ce seuil")
    return CheckResult(
        False,
        "avec votre seuil, " + " et ".join(parts) + ".",
        "dans l'explorateur, choisissez l'accessibilité, saisissez votre seuil et relisez "
        "la colonne « Sous le seuil ».",
    )


def gp_accessibility(territory: Territory, catchment_min: float = 20) -> pd.DataFrame:
    """The case's GP accessibility per commune (head counts, the default decay and age
    weights): :func:`~cpts_training.territory.accessibility.accessibility`."""
    counts = load_professionals()
    supply = pd.DataFrame({"code_commune": counts.index, "offre": counts[GP].to_numpy()})
    bands = [c for c in territory.communes.columns if c.startswith("pop_")]
    return accessibility(
        supply,
        territory.communes[["code_commune", *bands]],
        load_travel_times(),
        catchment_min=catchment_min,
    )


def _folded(text: str) -> str:
    """A commune name compared without accents, case, hyphens or apostrophes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").replace("'", " ").split())

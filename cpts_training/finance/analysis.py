"""Financial analysis of an association from its trial balances: CAF, tableau de
financement, bilan financier (FRI, FRE, FRNG, BFR, trésorerie), ratios and their reading.

Every amount is in euros; a rate is a fraction (0.25 for 25 %). The formulas and their
sources:

- CAF, additive method (PCG; guide M22 of the UNCCAS « Le lien compte de résultat –
  TFP »): résultat + dotations (68) − reprises (78) + valeur comptable des actifs cédés
  − produits des cessions − quote-part des subventions d'investissement virée au résultat,
  read in 657/757/747 from 2025 (ANC 2022-06) and in 675/775/777 before;
- tableau de financement: ressources − emplois = variation du FRNG (guide M22);
- bilan financier in five masses (tymanagers.com « EPRD : bilan financier »; gerontim.com;
  directions.fr): FRNG = FRI + FRE, trésorerie = FRNG − BFR;
- ratios (guide M22 « Éléments d'analyse – ratios financiers »; ANAP, « Pilotage &
  performance ESMS – guide des indicateurs », 2012).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpts_training.columns import Column, declare_columns
from cpts_training.errors import DataError, InputError
from cpts_training.finance.statements import account_table, income_statement_of, result_of
from cpts_training.finance.trial_balance import REFORM_YEAR, TOLERANCE_EUR
from cpts_training.formatting import format_decimal_fr, format_euros, format_percent
from cpts_training.reference import learner_label, load_parameter

DAYS_PER_YEAR = 365
"""Days of the year in the « en jours de charges » ratios."""

SOURCE_M22 = (
    "Guide M22 de l'UNCCAS, « Éléments d'analyse – ratios financiers » (guidem22.unccas.org)"
)
SOURCE_CAF = (
    "Méthode additive du PCG ; guide M22 de l'UNCCAS, « Le lien compte de résultat – TFP » ; "
    "comptes 657/757/747 selon l'ANC 2022-06"
)
SOURCE_BILAN_FINANCIER = (
    "Bilan financier en cinq masses : tymanagers.com « EPRD : bilan financier », "
    "gerontim.com « Bilan financier en EHPAD », directions.fr « FRI »"
)
SOURCE_ANAP = "ANAP, « Pilotage & performance ESMS – guide des indicateurs », 2012 (nom)"

LOAN_PREFIXES = ("16", "17")
"""Emprunts et dettes financières (16, 17) ..."""
LOAN_EXCLUDED = ("165", "1688", "169")
"""... without dépôts et cautionnements reçus (165), intérêts courus (1688) and primes de
remboursement (169), as in the guide M22's ratios."""

FIXED_ASSET_PREFIXES = ("20", "21", "22", "23", "26", "27")
"""Immobilisations at gross value."""

CURRENT_ASSET_PROVISIONS = ("6817",)
CURRENT_ASSET_REVERSALS = ("7817",)
"""Dotations and reprises on dépréciations of current assets (stocks, créances): they
stay out of the CAF because these dépréciations belong to the BFR, not to the FRNG
(convention of the PCG's tableau de financement, not checked against its text)."""


def _accounts_for(year: int) -> dict[str, str]:
    """Accounts of disposals and investment-grant transfers in force for ``year``."""
    if year >= REFORM_YEAR:
        return {"vnc": "657", "cessions": "757", "quote_part": "747"}
    return {"vnc": "675", "cessions": "775", "quote_part": "777"}


def _starts(accounts: pd.Series, prefixes: Iterable[str]) -> pd.Series:
    return accounts.astype(str).str.startswith(tuple(prefixes))


def _sum(
    table: pd.DataFrame,
    prefixes: Iterable[str],
    exclude: Iterable[str] = (),
    *,
    credit: bool = False,
) -> float:
    """Σ balances (debit − credit; credit − debit when ``credit``) of accounts starting
    with one of ``prefixes`` and none of ``exclude``."""
    wanted, excluded = tuple(prefixes), tuple(exclude)
    total = math.fsum(
        solde
        for account, solde in zip(table["compte"], table["solde_eur"], strict=True)
        if account.startswith(wanted) and not (excluded and account.startswith(excluded))
    )
    return -total + 0.0 if credit else total + 0.0


# --------------------------------------------------------------------------------------
# CAF
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caf:
    """Capacité d'autofinancement of one financial year, term by term (euros).

    ``caf_eur`` = ``resultat_eur`` + ``dotations_eur`` − ``reprises_eur`` +
    ``valeur_comptable_cessions_eur`` − ``produits_cessions_eur`` −
    ``quote_part_subventions_eur``. ``taux_caf`` = CAF / ``total_produits_eur`` (NaN when
    there is no produit).
    """

    year: int
    resultat_eur: float
    dotations_eur: float
    reprises_eur: float
    valeur_comptable_cessions_eur: float
    produits_cessions_eur: float
    quote_part_subventions_eur: float
    caf_eur: float
    total_produits_eur: float
    taux_caf: float

    @property
    def iaf_eur(self) -> float:
        """Insuffisance d'autofinancement: −CAF when the CAF is negative, else 0."""
        return max(-self.caf_eur, 0.0)

    def to_frame(self) -> pd.DataFrame:
        """French table of the terms: ``terme``, ``comptes``, ``signe``, ``montant_eur``."""
        accounts = _accounts_for(self.year)
        rows = [
            ("Résultat de l'exercice", "classes 7 − 6", "+", self.resultat_eur),
            ("Dotations aux amortissements, dépréciations et provisions", "68 (hors 6817)", "+",
             self.dotations_eur),
            ("Reprises sur amortissements, dépréciations et provisions", "78 (hors 7817)", "−",
             self.reprises_eur),
            ("Valeur comptable des actifs cédés", accounts["vnc"], "+",
             self.valeur_comptable_cessions_eur),
            ("Produits des cessions d'actifs", accounts["cessions"], "−",
             self.produits_cessions_eur),
            ("Quote-part des subventions d'investissement virée au résultat",
             accounts["quote_part"], "−", self.quote_part_subventions_eur),
            ("Capacité d'autofinancement (CAF)" if self.caf_eur >= 0
             else "Insuffisance d'autofinancement (IAF)", "", "=", self.caf_eur),
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["terme", "comptes", "signe", "montant_eur"])


def caf(tb: pd.DataFrame, year: int) -> Caf:
    """Capacité d'autofinancement (additive method) of the trial balance ``tb``.

    Formula: CAF = résultat + 68 − 78 + 657 − 757 − 747 for the financial years from
    2025 (ANC 2022-06), + 675 − 775 − 777 before. Dotations and reprises on current
    assets (6817, 7817) are left out: their dépréciations belong to the BFR (PCG
    convention, not checked against its text; kept so that the tableau de financement
    equals the variation of the FRNG).
    A negative CAF is an insuffisance d'autofinancement (IAF, :attr:`Caf.iaf_eur`).

    Taux de CAF = CAF / total des produits of the year (every class 7 account, reprises
    and disposal proceeds included). The ANAP names this indicator; the denominator is
    the course's convention (not confirmed by a source).

    Sources: PCG; guide M22 of the UNCCAS « Le lien compte de résultat – TFP »; ANC
    2022-06 for the 2025 account numbers.

    Raises :class:`~cpts_training.errors.InputError` (French) on an invalid balance.
    """
    return _caf(account_table(tb, year), year)


def _caf(accounts: pd.DataFrame, year: int) -> Caf:
    statement = income_statement_of(accounts, year)
    return caf_of_terms(accounts, year, statement.resultat_eur, statement.total_produits_eur)


def caf_of_terms(
    accounts: pd.DataFrame, year: int, resultat_eur: float, total_produits_eur: float
) -> Caf:
    """The CAF of :func:`caf` from signed account balances and the year's résultat.

    ``accounts`` has the columns ``compte`` and ``solde_eur`` (debit − credit: charges
    positive, produits negative); the accounts read are those of :func:`caf` for
    ``year``. Shared by the CPTS's accounts and a partner's EPRD/ERRD
    (:mod:`~cpts_training.finance.eprd`), so that the CAF has one definition.
    """
    numbers = _accounts_for(year)
    dotations = _sum(accounts, ("68",), CURRENT_ASSET_PROVISIONS)
    reprises = _sum(accounts, ("78",), CURRENT_ASSET_REVERSALS, credit=True)
    vnc = _sum(accounts, (numbers["vnc"],))
    proceeds = _sum(accounts, (numbers["cessions"],), credit=True)
    quote_part = _sum(accounts, (numbers["quote_part"],), credit=True)
    value = resultat_eur + dotations - reprises + vnc - proceeds - quote_part
    return Caf(
        year=year,
        resultat_eur=resultat_eur,
        dotations_eur=dotations,
        reprises_eur=reprises,
        valeur_comptable_cessions_eur=vnc,
        produits_cessions_eur=proceeds,
        quote_part_subventions_eur=quote_part,
        caf_eur=value,
        total_produits_eur=total_produits_eur,
        taux_caf=value / total_produits_eur if total_produits_eur > 0 else math.nan,
    )


# --------------------------------------------------------------------------------------
# Bilan financier
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinancialBalance:
    """Bilan financier in five masses at the end of one financial year (euros).

    FRI = ``financements_investissement_eur`` − ``immobilisations_brutes_eur``;
    FRE = ``financements_exploitation_eur`` (no emploi stable d'exploitation in the
    chart); FRNG = FRI + FRE; BFR = ``bfr_actif_eur`` − ``bfr_passif_eur`` (negative:
    excédent de financement d'exploitation, EFE); trésorerie = FRNG − BFR =
    ``disponibilites_eur`` + ``vmp_eur`` − ``concours_bancaires_eur``.
    """

    year: int
    financements_investissement_eur: float
    immobilisations_brutes_eur: float
    financements_exploitation_eur: float
    bfr_actif_eur: float
    bfr_passif_eur: float
    disponibilites_eur: float
    vmp_eur: float
    concours_bancaires_eur: float

    @property
    def fri_eur(self) -> float:
        """Fonds de roulement d'investissement."""
        return self.financements_investissement_eur - self.immobilisations_brutes_eur

    @property
    def fre_eur(self) -> float:
        """Fonds de roulement d'exploitation."""
        return self.financements_exploitation_eur

    @property
    def frng_eur(self) -> float:
        """Fonds de roulement net global = FRI + FRE."""
        return self.fri_eur + self.fre_eur

    @property
    def bfr_eur(self) -> float:
        """Besoin en fonds de roulement (negative: EFE)."""
        return self.bfr_actif_eur - self.bfr_passif_eur

    @property
    def efe_eur(self) -> float:
        """Excédent de financement d'exploitation: −BFR when the BFR is negative, else 0."""
        return max(-self.bfr_eur, 0.0)

    @property
    def tresorerie_eur(self) -> float:
        """Trésorerie = FRNG − BFR."""
        return self.frng_eur - self.bfr_eur

    def to_frame(self) -> pd.DataFrame:
        """French table: ``masse``, ``montant_eur``, ``formule``."""
        bfr_name = "Besoin en fonds de roulement (BFR)"
        if self.bfr_eur < 0:
            bfr_name = "BFR négatif (excédent de financement d'exploitation, EFE)"
        rows = [
            ("Financements stables d'investissement", self.financements_investissement_eur,
             "10 (hors 106), 10682, 13, 14, 16 (hors 165, 1688), 17, 18, 28, 29"),
            ("Immobilisations brutes", self.immobilisations_brutes_eur,
             "20, 21, 22, 23, 26, 27"),
            ("Fonds de roulement d'investissement (FRI)", self.fri_eur,
             "financements stables d'investissement − immobilisations brutes"),
            ("Fonds de roulement d'exploitation (FRE)", self.fre_eur,
             "106, 11, 12, résultat de l'exercice, 15, 165, 19"),
            ("Fonds de roulement net global (FRNG)", self.frng_eur, "FRI + FRE"),
            (bfr_name, self.bfr_eur,
             "stocks + créances + charges constatées d'avance − dettes d'exploitation "
             "− produits constatés d'avance"),
            ("Trésorerie", self.tresorerie_eur,
             "FRNG − BFR = disponibilités + VMP − concours bancaires courants"),
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["masse", "montant_eur", "formule"])


def financial_balance(tb: pd.DataFrame, year: int) -> FinancialBalance:
    """Bilan financier (FRI, FRE, FRNG, BFR, trésorerie) of the trial balance ``tb``.

    Each account goes to the ``masse`` of the chart (``data/finance/plan_de_comptes.yaml``):

    - financements stables d'investissement: 10 (fonds propres, apports) but 106, 10682
      (réserves affectées à l'investissement), 13, 14, 16 and 17 (but 165 and 1688), 18,
      and the amortissements and dépréciations 28, 29 (credit balances);
    - immobilisations brutes: 20, 21, 22, 23, 26, 27;
    - financements stables d'exploitation: 106 (réserves), 11, 12, the résultat of the
      year, 15, 165 (dépôts reçus), 19 (fonds dédiés);
    - BFR: stocks (3), créances and dettes (40 to 48 by the sign of their balance, 486,
      487, 49), intérêts courus (1688);
    - trésorerie: VMP (50, 59), disponibilités (debit balances of 51, 53, 54, 58),
      concours bancaires courants (519 and credit balances of 51).

    The FRI/FRE split follows the bilan financier of the ESSMS (sources above); its list
    of accounts is the course's choice (``verified: false`` in the chart).

    Raises:
        InputError: invalid balance (French).
        DataError: trésorerie computed as FRNG − BFR differs from disponibilités + VMP −
            concours bancaires (cannot happen for a balanced balance; both figures given).
    """
    return _financial_balance(account_table(tb, year), year)


def _financial_balance(accounts: pd.DataFrame, year: int) -> FinancialBalance:
    result = result_of(accounts)
    bilan = accounts[accounts["etat"] == "bilan"]

    def masse(name: str, cote: str | None = None) -> float:
        rows = bilan[bilan["masse"] == name]
        if cote is not None:
            rows = rows[rows["cote"] == cote]
        return math.fsum(rows["montant_eur"])

    financing_inv = -math.fsum(
        bilan.loc[bilan["masse"] == "financement_investissement", "solde_eur"]
    )
    gross = masse("immobilisations")
    financing_exp = -math.fsum(bilan.loc[bilan["masse"] == "financement_exploitation", "solde_eur"])
    cash = bilan[bilan["masse"] == "tresorerie"]
    vmp = math.fsum(cash.loc[_starts(cash["compte"], ("50", "59")), "montant_eur"])
    available = math.fsum(
        cash.loc[(cash["cote"] == "actif") & ~_starts(cash["compte"], ("50", "59")), "montant_eur"]
    )
    overdraft = math.fsum(cash.loc[cash["cote"] == "passif", "montant_eur"])
    balance = FinancialBalance(
        year=year,
        financements_investissement_eur=financing_inv,
        immobilisations_brutes_eur=gross,
        financements_exploitation_eur=financing_exp + result,
        bfr_actif_eur=masse("bfr", "actif"),
        bfr_passif_eur=masse("bfr", "passif"),
        disponibilites_eur=available,
        vmp_eur=vmp,
        concours_bancaires_eur=overdraft,
    )
    direct = available + vmp - overdraft
    if abs(balance.tresorerie_eur - direct) > TOLERANCE_EUR:
        raise DataError(
            f"Bilan financier {year} incohérent : FRNG − BFR = "
            f"{format_euros(balance.tresorerie_eur, 2)} mais disponibilités + VMP − concours "
            f"bancaires = {format_euros(direct, 2)}. Vérifiez que la balance est équilibrée."
        )
    return balance


# --------------------------------------------------------------------------------------
# Tableau de financement
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinancingTable:
    """Tableau de financement between two year-ends (euros).

    ``emplois`` and ``ressources`` have the columns ``poste`` and ``montant_eur`` (every
    line, zero or not). ``variation_fonds_roulement_eur`` = ressources − emplois: an
    apport (positive) or a prélèvement (negative) sur fonds de roulement; it equals
    ``delta_frng_eur``, the FRNG of the current bilan minus that of the previous one.
    """

    year: int
    emplois: pd.DataFrame
    ressources: pd.DataFrame
    total_emplois_eur: float
    total_ressources_eur: float
    variation_fonds_roulement_eur: float
    delta_frng_eur: float

    @classmethod
    def of(
        cls,
        year: int,
        emplois: list[tuple[str, float]],
        ressources: list[tuple[str, float]],
        delta_frng_eur: float | None = None,
    ) -> FinancingTable:
        """The table of ``(poste, montant)`` lines, its totals and the variation
        ressources − emplois (``delta_frng_eur`` defaults to that variation, for a
        forecast whose FRNG follows from it)."""
        frames = [
            pd.DataFrame(lines, columns=["poste", "montant_eur"]) for lines in (emplois, ressources)
        ]
        total_emplois = math.fsum(frames[0]["montant_eur"])
        total_ressources = math.fsum(frames[1]["montant_eur"])
        variation = total_ressources - total_emplois
        return cls(
            year=year,
            emplois=frames[0],
            ressources=frames[1],
            total_emplois_eur=total_emplois,
            total_ressources_eur=total_ressources,
            variation_fonds_roulement_eur=variation,
            delta_frng_eur=variation if delta_frng_eur is None else delta_frng_eur,
        )


def _loans(accounts: pd.DataFrame) -> float:
    return _sum(accounts, LOAN_PREFIXES, LOAN_EXCLUDED, credit=True)


def financing_table(
    tb_previous: pd.DataFrame,
    tb_current: pd.DataFrame,
    year: int,
    *,
    nouveaux_emprunts_eur: float | None = None,
    cessions_valeur_brute_eur: float = 0.0,
) -> FinancingTable:
    """Tableau de financement of the financial year ``year`` from the trial balances of
    ``year − 1`` (``tb_previous``) and ``year`` (``tb_current``).

    Emplois: IAF (when the CAF is negative); remboursements d'emprunts = nouveaux
    emprunts − Δ emprunts (16, 17 but 165, 1688, 169); acquisitions d'immobilisations =
    Δ immobilisations brutes (20, 21, 22, 23, 26, 27) + ``cessions_valeur_brute_eur``
    (gross value of the assets sold or scrapped during the year, which a trial balance
    does not show).

    Ressources: CAF; nouveaux emprunts (``nouveaux_emprunts_eur``, or the increase of the
    loans when not given); subventions d'investissement reçues = Δ 13 + quote-part virée
    au résultat of the year (747; 777 before 2025); produits de cession (757; 775 before
    2025); apports = Δ fonds propres 10 (but 106) + Δ dépôts reçus 165 + Δ comptes de
    liaison 18.

    Apport (+) or prélèvement (−) sur fonds de roulement = ressources − emplois; it must
    equal ΔFRNG from the two bilans (guide M22 of the UNCCAS).

    Raises:
        InputError: invalid balance, negative given amount, or loans repaid or assets
            bought turning out negative (French).
        DataError: ressources − emplois ≠ ΔFRNG; the message gives both figures, the gap
            and the usual causes (allocation of the previous résultat that does not add up,
            a disposal whose gross value was not given, a dépréciation of current assets).
    """
    for name, value in (
        ("nouveaux_emprunts_eur", nouveaux_emprunts_eur),
        ("cessions_valeur_brute_eur", cessions_valeur_brute_eur),
    ):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise InputError(
                f"Tableau de financement : « {name} » vaut {value} ; saisissez un montant "
                "en euros positif ou nul."
            )
    before = account_table(tb_previous, year - 1)
    after = account_table(tb_current, year)
    numbers = _accounts_for(year)
    autofinancement = _caf(after, year)

    delta_loans = _loans(after) - _loans(before)
    new_loans = max(delta_loans, 0.0) if nouveaux_emprunts_eur is None else nouveaux_emprunts_eur
    repaid = new_loans - delta_loans
    if repaid < -TOLERANCE_EUR:
        raise InputError(
            f"Tableau de financement {year} : les emprunts augmentent de "
            f"{format_euros(delta_loans, 2)} mais les nouveaux emprunts indiqués ne font que "
            f"{format_euros(new_loans, 2)}. Indiquez au moins {format_euros(delta_loans, 2)} "
            "de nouveaux emprunts."
        )
    delta_gross = _sum(after, FIXED_ASSET_PREFIXES) - _sum(before, FIXED_ASSET_PREFIXES)
    acquisitions = delta_gross + cessions_valeur_brute_eur
    if acquisitions < -TOLERANCE_EUR:
        raise InputError(
            f"Tableau de financement {year} : les immobilisations brutes diminuent de "
            f"{format_euros(-delta_gross, 2)}. Indiquez la valeur brute des immobilisations "
            "cédées ou mises au rebut (cessions_valeur_brute_eur), au moins ce montant."
        )
    grants = _sum(after, ("13",), credit=True) - _sum(before, ("13",), credit=True)
    grants += _sum(after, (numbers["quote_part"],), credit=True)
    proceeds = _sum(after, (numbers["cessions"],), credit=True)
    contributions = sum(
        _sum(after, prefixes, exclude, credit=True) - _sum(before, prefixes, exclude, credit=True)
        for prefixes, exclude in ((("10",), ("106",)), (("165",), ()), (("18",), ()))
    )
    table = FinancingTable.of(
        year,
        [
            ("Insuffisance d'autofinancement (IAF)", autofinancement.iaf_eur),
            ("Remboursements d'emprunts", max(repaid, 0.0)),
            ("Acquisitions d'immobilisations", max(acquisitions, 0.0)),
        ],
        [
            ("Capacité d'autofinancement (CAF)", max(autofinancement.caf_eur, 0.0)),
            ("Nouveaux emprunts", new_loans),
            ("Subventions d'investissement reçues", grants),
            ("Produits des cessions d'immobilisations", proceeds),
            ("Apports en fonds propres et dépôts reçus", contributions),
        ],
        delta_frng_eur=(
            financial_balance(tb_current, year).frng_eur
            - financial_balance(tb_previous, year - 1).frng_eur
        ),
    )
    variation, delta_frng = table.variation_fonds_roulement_eur, table.delta_frng_eur
    if abs(variation - delta_frng) > 0.01:
        raise DataError(
            f"Tableau de financement {year} : ressources − emplois = "
            f"{format_euros(variation, 2)}, mais le fonds de roulement net global des deux "
            f"bilans varie de {format_euros(delta_frng, 2)} (écart "
            f"{format_euros(variation - delta_frng, 2)}). Vérifiez : que le résultat "
            f"{year - 1} a été affecté en entier (réserves 106, report à nouveau 11, compte "
            "12) ; la valeur brute des immobilisations cédées (cessions_valeur_brute_eur) ; "
            "une dotation ou reprise sur dépréciation d'actif circulant (6817/7817) ou de "
            "valeurs mobilières (59)."
        )
    return table


# --------------------------------------------------------------------------------------
# Ratios and their reading
# --------------------------------------------------------------------------------------

RATIO_COLUMNS = ("code", "ratio", "valeur", "unite", "formule", "source")

COLUMNS = declare_columns(Column("unite", "Unité"))
"""French label of the ratios' unit column."""
"""Columns of :func:`ratios`."""

UNITS = {"taux": "fraction (0,25 = 25 %)", "années": "années", "jours": "jours"}


def current_cash_charges(tb: pd.DataFrame, year: int) -> float:
    """Charges courantes décaissables (euros): Σ accounts 60 to 65, less 657 (valeur
    comptable des immobilisations cédées, not paid out) from 2025.

    Convention of the course (the denominator is not confirmed by a source: the research notes give
    « c/60 to 65 »).
    """
    return _cash_charges(account_table(tb, year), year)


def _cash_charges(accounts: pd.DataFrame, year: int) -> float:
    excluded = ("657",) if year >= REFORM_YEAR else ()
    return _sum(accounts, ("60", "61", "62", "63", "64", "65"), excluded)


def _ratio(numerator: float, denominator: float, *, zero_when_no_numerator: bool = False) -> float:
    if zero_when_no_numerator and abs(numerator) <= TOLERANCE_EUR:
        return 0.0
    if denominator <= TOLERANCE_EUR:
        return math.nan
    return numerator / denominator


def ratios(tb: pd.DataFrame, year: int, *, days: int = DAYS_PER_YEAR) -> pd.DataFrame:
    """Usual ratios of the trial balance ``tb`` (financial year ``year``).

    One row per ratio, columns :data:`RATIO_COLUMNS`: ``code`` (stable id), ``ratio``
    (French name), ``valeur`` (NaN when not computable: a zero denominator), ``unite``
    (``taux`` = fraction, ``années``, ``jours``), ``formule`` and ``source``:

    - ``independance_financiere`` = emprunts (16, 17 but 165, 1688, 169) / financements
      stables d'investissement hors amortissements et dépréciations (28, 29); 0 without
      emprunt (guide M22);
    - ``duree_apparente_dette`` = emprunts / CAF, in years; 0 without emprunt, NaN when
      the CAF is zero or negative (guide M22);
    - ``taux_vetuste`` = amortissements des immobilisations corporelles (281) / valeur
      brute (21) (guide M22; ANAP);
    - ``taux_caf`` = CAF / total des produits (ANAP for the name; denominator: course's
      convention);
    - ``frng_jours``, ``bfr_jours``, ``tresorerie_jours`` = amount × ``days`` / charges
      courantes décaissables (:func:`current_cash_charges`; convention of the course).

    Raises :class:`~cpts_training.errors.InputError` (French) on an invalid balance.
    """
    accounts = account_table(tb, year)
    autofinancement = _caf(accounts, year)
    balance = _financial_balance(accounts, year)
    loans = _loans(accounts)
    stable_inv = balance.financements_investissement_eur - _sum(accounts, ("28", "29"), credit=True)
    depreciation = _sum(accounts, ("281",), credit=True)
    gross_tangible = _sum(accounts, ("21",))
    charges = _cash_charges(accounts, year)
    per_day = f"× {days} / charges courantes décaissables (60 à 65"
    per_day += ", hors 657)" if year >= REFORM_YEAR else ")"
    convention = "Convention de la formation (dénominateur non confirmé par une source)"
    rows = [
        ("independance_financiere", "Indépendance financière",
         _ratio(loans, stable_inv, zero_when_no_numerator=True), "taux",
         "emprunts (16, 17 hors 165, 1688, 169) / financements stables d'investissement "
         "hors amortissements (28, 29)", SOURCE_M22),
        ("duree_apparente_dette", "Durée apparente de la dette",
         _ratio(loans, autofinancement.caf_eur, zero_when_no_numerator=True), "années",
         "emprunts (16, 17 hors 165, 1688, 169) / CAF", SOURCE_M22),
        ("taux_vetuste", "Taux de vétusté des immobilisations corporelles",
         _ratio(depreciation, gross_tangible), "taux",
         "amortissements cumulés (281) / immobilisations corporelles brutes (21)",
         f"{SOURCE_M22} ; {SOURCE_ANAP}"),
        ("taux_caf", "Taux de CAF", autofinancement.taux_caf, "taux",
         "CAF / total des produits (classe 7)",
         f"{SOURCE_ANAP} ; dénominateur : convention de la formation"),
        ("frng_jours", "Fonds de roulement net global en jours de charges",
         _ratio(balance.frng_eur * days, charges), "jours", f"FRNG {per_day}", convention),
        ("bfr_jours", "Besoin en fonds de roulement en jours de charges",
         _ratio(balance.bfr_eur * days, charges), "jours", f"BFR {per_day}", convention),
        ("tresorerie_jours", "Trésorerie en jours de charges",
         _ratio(balance.tresorerie_eur * days, charges), "jours", f"Trésorerie {per_day}",
         convention),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(RATIO_COLUMNS))


THRESHOLD_PARAMETERS = {
    "independance_financiere": "finance/seuil_independance_financiere",
    "duree_apparente_dette": "finance/seuil_duree_apparente_dette",
    "taux_vetuste": "finance/seuil_taux_vetuste",
    "tresorerie_jours": "finance/seuil_tresorerie_jours",
}
"""Ratio code → parameter holding its threshold (dated, sourced, with ``verified``)."""

SIGNAL_OK, SIGNAL_WATCH, SIGNAL_ALERT, SIGNAL_INFO = "✅", "⚠️", "❌", "ℹ️"
DIAGNOSIS_COLUMNS = ("signal", "indicateur", "valeur", "seuil", "lecture")


def _shown(value: float, unit: str) -> str:
    if math.isnan(value):
        return "non calculable"
    if unit == "taux":
        return format_percent(value, 1)
    shown = round(value, 1)
    if abs(shown) < 2 and unit.endswith("s"):  # French: 0,5 année, 1 jour, 2 jours
        unit = unit[:-1]
    return f"{format_decimal_fr(shown, 1)} {unit}"


def _threshold(code: str, at: dt.date | str | None) -> tuple[Any, str]:
    parameter = load_parameter(THRESHOLD_PARAMETERS[code])
    day = at if at is not None else parameter.values[-1].start
    warning = learner_label(parameter, day)
    return parameter.value_at(day), (f" ({warning})" if warning else "")


def _reading(code: str, value: float, at: dt.date | str | None) -> tuple[str, str, str]:
    """(signal, seuil, lecture) of one ratio: facts only."""
    if code == "independance_financiere":
        limit, note = _threshold(code, at)
        seuil = f"< {format_percent(float(limit), 0)}{note}"
        if math.isnan(value):
            return (
                SIGNAL_ALERT,
                seuil,
                ("Des emprunts existent sans financement stable d'investissement positif."),
            )
        if value == 0:
            return SIGNAL_OK, seuil, "Aucun emprunt au bilan."
        side = "en dessous" if value < float(limit) else "au-dessus"
        return (
            (SIGNAL_OK if value < float(limit) else SIGNAL_WATCH),
            seuil,
            (
                f"Les emprunts représentent {format_percent(value, 1)} des financements stables "
                f"d'investissement, {side} du seuil."
            ),
        )
    if code == "duree_apparente_dette":
        limit, note = _threshold(code, at)
        seuil = f"< {format_decimal_fr(float(limit))} années{note}"
        if math.isnan(value):
            return (
                SIGNAL_ALERT,
                seuil,
                (
                    "La CAF est nulle ou négative : l'exercice ne dégage pas de ressource pour "
                    "rembourser les emprunts."
                ),
            )
        if value == 0:
            return SIGNAL_OK, seuil, "Aucun emprunt au bilan."
        ok = value < float(limit)
        return (
            (SIGNAL_OK if ok else SIGNAL_WATCH),
            seuil,
            (
                f"Il faudrait {format_decimal_fr(round(value, 1), 1)} années de CAF de cet "
                f"exercice pour rembourser les emprunts, {'moins' if ok else 'plus'} que le seuil."
            ),
        )
    if code == "taux_vetuste":
        limit, note = _threshold(code, at)
        seuil = f"< {format_percent(float(limit), 0)}{note}"
        if math.isnan(value):
            return SIGNAL_INFO, seuil, "Aucune immobilisation corporelle au bilan."
        ok = value < float(limit)
        return (
            (SIGNAL_OK if ok else SIGNAL_WATCH),
            seuil,
            (
                f"Les immobilisations corporelles sont amorties à {format_percent(value, 1)}, "
                f"{'en dessous' if ok else 'au-dessus'} du seuil."
            ),
        )
    if code == "taux_caf":
        seuil = "> 0"
        if math.isnan(value):
            return SIGNAL_INFO, seuil, "Aucun produit : taux non calculable."
        if value == 0:
            return (
                SIGNAL_WATCH,
                seuil,
                (
                    "La CAF est nulle : l'activité ne laisse rien pour investir, rembourser ou "
                    "renforcer le fonds de roulement."
                ),
            )
        if value > 0:
            return (
                SIGNAL_OK,
                seuil,
                (
                    f"La CAF est positive : {format_percent(value, 1)} des produits restent "
                    "disponibles pour investir, rembourser ou renforcer le fonds de roulement."
                ),
            )
        return (
            SIGNAL_ALERT,
            seuil,
            (
                "La CAF est négative (insuffisance d'autofinancement) : l'activité consomme des "
                "ressources."
            ),
        )
    if code == "frng_jours":
        seuil = "> 0"
        if math.isnan(value):
            return SIGNAL_INFO, seuil, "Aucune charge courante : ratio non calculable."
        if value == 0:
            return (
                SIGNAL_WATCH,
                seuil,
                (
                    "Le FRNG est nul : les ressources stables couvrent tout juste les "
                    "immobilisations et ne financent aucune charge courante."
                ),
            )
        if value > 0:
            return (
                SIGNAL_OK,
                seuil,
                (
                    "Les ressources stables couvrent les immobilisations et financent "
                    f"{_shown(value, 'jours')} de charges courantes."
                ),
            )
        return (
            SIGNAL_ALERT,
            seuil,
            ("Le FRNG est négatif : les ressources stables ne couvrent pas les immobilisations."),
        )
    if code == "bfr_jours":
        seuil = "aucun seuil"
        if math.isnan(value):
            return SIGNAL_INFO, seuil, "Aucune charge courante : ratio non calculable."
        if value <= 0:
            return (
                SIGNAL_INFO,
                seuil,
                (
                    "BFR négatif (excédent de financement d'exploitation) : les dettes "
                    "d'exploitation et produits constatés d'avance dépassent les créances, stocks "
                    "et charges constatées d'avance."
                ),
            )
        return (
            SIGNAL_INFO,
            seuil,
            (
                "BFR positif : les créances, stocks et charges constatées d'avance dépassent les "
                f"dettes d'exploitation, pour {_shown(value, 'jours')} de charges courantes."
            ),
        )
    if code == "tresorerie_jours":
        limits, note = _threshold(code, at)
        low = float(limits["minimum"])
        high = float(limits["confortable"])
        seuil = (
            f"≥ {format_decimal_fr(low)} jours, {format_decimal_fr(high)} jours souvent cités{note}"
        )
        if math.isnan(value):
            return SIGNAL_INFO, seuil, "Aucune charge courante : ratio non calculable."
        if value < 0:
            return (
                SIGNAL_ALERT,
                seuil,
                ("La trésorerie est négative : l'association vit sur ses concours bancaires."),
            )
        if value < low:
            return (
                SIGNAL_WATCH,
                seuil,
                (
                    f"La trésorerie couvre {_shown(value, 'jours')} de charges courantes, "
                    "moins que le seuil bas."
                ),
            )
        position = "entre le seuil bas et" if value <= high else "au-delà de"
        return (
            SIGNAL_OK,
            seuil,
            (
                f"La trésorerie couvre {_shown(value, 'jours')} de charges courantes, {position} "
                "la valeur souvent citée comme confortable."
            ),
        )
    raise InputError(
        f"Ratio « {code} » inconnu : codes lus {', '.join(DIAGNOSIS_ORDER)}. Passez le "
        "tableau rendu par ratios(...)."
    )


DIAGNOSIS_ORDER = (
    "taux_caf",
    "frng_jours",
    "bfr_jours",
    "tresorerie_jours",
    "independance_financiere",
    "duree_apparente_dette",
    "taux_vetuste",
)


def diagnosis_table(ratios_table: pd.DataFrame, at: dt.date | str | None = None) -> pd.DataFrame:
    """Reading of each ratio of ``ratios_table`` (from :func:`ratios`) against its threshold.

    Thresholds are dated parameters (``data/parametres/finance/*.yaml``, read for the date
    ``at``, or their latest value): indépendance financière < 50 % (guide M22, verified);
    durée apparente de la dette < 10 years, taux de vétusté < 50 %, trésorerie ≥ 15 days
    with 30 days often cited (not verified: the threshold is followed by « valeur
    indicative — à vérifier »). The CAF and the FRNG are read by their sign; the BFR has
    no threshold.

    Returns a French table with the columns ``signal`` (✅ within the threshold, ⚠️ beyond
    it, ❌ negative CAF, FRNG or trésorerie, ℹ️ information), ``indicateur``, ``valeur``
    (French text), ``seuil`` and ``lecture``: the reading states facts (what the figure
    says against the threshold), never a diagnosis of the association.

    Raises :class:`~cpts_training.errors.InputError` (French) when a column of
    :data:`RATIO_COLUMNS` is missing or a ratio code is unknown.
    """
    missing = [c for c in ("code", "ratio", "valeur", "unite") if c not in ratios_table.columns]
    if missing:
        raise InputError(
            f"Tableau des ratios : colonne(s) manquante(s) {', '.join(missing)}. Passez le "
            "tableau rendu par ratios(balance, exercice)."
        )
    rows = []
    ordered = ratios_table.assign(
        _order=ratios_table["code"].map({c: i for i, c in enumerate(DIAGNOSIS_ORDER)})
    ).sort_values("_order", kind="stable", na_position="last")
    for code, name, value, unit in ordered[["code", "ratio", "valeur", "unite"]].itertuples(
        index=False, name=None
    ):
        number = float(value)
        signal, seuil, lecture = _reading(str(code), number, at)
        rows.append(
            {
                "signal": signal,
                "indicateur": name,
                "valeur": _shown(number, str(unit)),
                "seuil": seuil,
                "lecture": lecture,
            }
        )
    return pd.DataFrame(rows, columns=list(DIAGNOSIS_COLUMNS))

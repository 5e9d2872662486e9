"""The trial balance (balance générale): one row per account with its debit and credit.

A trial balance is a :class:`pandas.DataFrame` with the columns

- ``compte``: the account number, digits only, as text (``"512"``, ``"64111"``);
- ``libelle``: its label (text, may be empty);
- ``debit`` and ``credit``: amounts in euros, positive or zero (an empty cell reads 0).

An account's balance (``solde``) is ``debit − credit``: positive for a debit balance
(assets, charges), negative for a credit balance (liabilities, produits). A trial balance
is balanced when its total debit equals its total credit (to the cent): double-entry
bookkeeping (plan comptable général, ANC 2014-03; plan comptable des associations,
ANC 2018-06).

From the financial years opened on 1 January 2025 (ANC 2022-06) account 79 (transferts
de charges) no longer exists, and 675, 775, 777 became 657, 757, 747: a balance of such
a year that still uses them is refused with the fix.
"""

from __future__ import annotations

import csv
import math
import numbers
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.errors import DataError, InputError
from cpts_training.finance.chart import rubric_of
from cpts_training.formatting import NumberFormatError, format_euros, parse_number_fr
from cpts_training.readers import read_csv_table
from cpts_training.validation import require_frame

TRIAL_BALANCE_COLUMNS = ("compte", "libelle", "debit", "credit")
"""Columns of a trial balance, in order."""

REFORM_YEAR = 2025
"""First financial year under the ANC 2022-06 chart of accounts."""

RENUMBERED_2025 = {
    "675": ("657", "valeur comptable des immobilisations cédées"),
    "775": ("757", "produits des cessions d'immobilisations"),
    "777": ("747", "quote-part des subventions d'investissement virée au résultat"),
}
"""Accounts renumbered by ANC 2022-06: old prefix → (new prefix, what it holds)."""

TOLERANCE_EUR = 0.005
"""Largest gap between total debit and total credit read as equal (half a cent)."""

_HEADER_ALIASES = {
    "compte": "compte",
    "comptes": "compte",
    "numero": "compte",
    "numero de compte": "compte",
    "n de compte": "compte",
    "n compte": "compte",
    "no compte": "compte",
    "n": "compte",
    "numero compte": "compte",
    "compte general": "compte",
    "n compte general": "compte",
    "libelle": "libelle",
    "intitule": "libelle",
    "libelle du compte": "libelle",
    "intitule du compte": "libelle",
    "libelle compte": "libelle",
    "intitule compte": "libelle",
    "designation": "libelle",
    "debit": "debit",
    "debits": "debit",
    "solde debit": "debit",
    "solde debiteur": "debit",
    "soldes debiteurs": "debit",
    "solde debit fin": "debit",
    "credit": "credit",
    "credits": "credit",
    "solde credit": "credit",
    "solde crediteur": "credit",
    "soldes crediteurs": "credit",
    "solde credit fin": "credit",
}


_SIGNED_BALANCE_HEADERS = frozenset(
    {"solde", "soldes", "solde final", "solde fin", "solde de cloture", "solde cloture"}
)
"""Headers of a single signed balance column (positive: debit, negative: credit)."""

HEADER_SEARCH_LINES = 20
"""Lines searched for the header (exports often start with a title, the period...)."""


def _line(position: int) -> int:
    """Spreadsheet line of a data row (header on line 1)."""
    return position + 2


def _where(source: str, line: int, account: Any = None) -> str:
    named = f" (compte {account})" if account not in (None, "") else ""
    return f"{source}, ligne {line}{named}"


def _account_text(value: Any) -> str:
    """Account number as text: ``512`` and ``512.0`` (a spreadsheet number) give "512"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


_THOUSANDS = re.compile(r"\b(k|K|M)\s*€|\bk?euros?\s*\(?k|\bmilliers?\b|\bK€|\bM€", re.I)
"""An amount or a header in thousands (k€) or millions (M€) of euros."""


def _amount(value: Any, where: str, column: str) -> float:
    """Amount of one cell: a number, an empty cell (0) or a French-typed number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return parse_number_fr(text, unit="€")
    except NumberFormatError:
        if _THOUSANDS.search(text):
            raise InputError(
                f"{where}, colonne « {column} » : « {text} » est en milliers ou en millions "
                "d'euros, les autres montants en euros. Une balance ne mélange pas les "
                "unités : écrivez ce montant en euros (12 k€ → 12 000) ou ré-exportez la "
                "balance en euros."
            ) from None
        raise InputError(
            f"{where}, colonne « {column} » : « {text} » n'est pas un montant. Saisissez un "
            "nombre en euros, par exemple 1500 ou 1 500,50, ou laissez la cellule vide pour 0."
        ) from None


def require_trial_balance(
    table: pd.DataFrame,
    year: int,
    source: str = "Balance générale",
    *,
    lines: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate a trial balance of the financial year ``year`` and return it cleaned.

    Messages name a row by its spreadsheet line (header = line 1, first row = line 2), or
    by ``lines[i]`` when given (the line in the file of each row, e.g. after dropping the
    total lines of an export).

    The returned copy has the columns :data:`TRIAL_BALANCE_COLUMNS` (``compte`` as
    text, ``libelle`` as text, ``debit`` and ``credit`` as floats in euros, empty cells
    read as 0), in the order of ``table``.

    Raises:
        InputError: with a French message naming ``source``, the line (header = line 1)
            and the account, when a column is missing, an account number is empty or not
            made of digits, an amount is not a number or is negative, an account appears
            twice, an account's class is not 1 to 7 or no rubric of the chart covers it,
            account 79 or 675/775/777 appears in a balance of 2025 or later (ANC 2022-06),
            or the total debit differs from the total credit (both totals and the gap are
            given).
    """
    require_frame(
        table,
        source,
        TRIAL_BALANCE_COLUMNS,
        fix="Une balance générale a les colonnes compte, libelle, debit et credit : "
        "renommez ou ajoutez la colonne.",
    )
    if table.empty:
        raise InputError(f"{source} : la balance ne contient aucun compte. Ajoutez ses lignes.")
    accounts: list[str] = []
    labels: list[str] = []
    debits: list[float] = []
    credits: list[float] = []
    if lines is not None and len(lines) != len(table):
        raise ValueError("lines must give one line number per row")
    first_line: dict[str, int] = {}
    for position, (raw_account, label, debit, credit) in enumerate(
        table[list(TRIAL_BALANCE_COLUMNS)].itertuples(index=False, name=None)
    ):
        account = _account_text(raw_account)
        line = lines[position] if lines is not None else _line(position)
        where = _where(source, line, account)
        if not account:
            raise InputError(
                f"{where} : le numéro de compte est vide. Saisissez-le (par exemple 512) ou "
                "supprimez la ligne."
            )
        if not account.isdigit():
            raise InputError(
                f"{where} : « {account} » n'est pas un numéro de compte. Un compte ne contient "
                "que des chiffres (par exemple 4011 ou 64111), sans lettre ni espace."
            )
        if account[0] not in "1234567":
            raise InputError(
                f"{where} : la classe {account[0]} n'existe pas dans une balance générale. Les "
                "comptes vont de la classe 1 (capitaux) à la classe 7 (produits) ; les classes "
                "8 et 9 (engagements, analytique) ne figurent pas dans la balance : retirez-la."
            )
        _require_account_of_year(account, year, where)
        if account in first_line:
            raise InputError(
                f"{where} : le compte {account} figure déjà ligne {first_line[account]}. "
                "Chaque compte n'a qu'une ligne dans une balance : additionnez les deux lignes."
            )
        first_line[account] = line
        try:
            rubric_of(account, year)
        except InputError as exc:
            raise InputError(f"{where} : {exc}") from None
        amounts = []
        for column, value in (("Débit", debit), ("Crédit", credit)):
            amount = _amount(value, where, column)
            if not math.isfinite(amount):
                raise InputError(
                    f"{where}, colonne « {column} » : le montant n'est pas un nombre fini. "
                    "Saisissez un montant en euros."
                )
            if amount < 0:
                raise InputError(
                    f"{where}, colonne « {column} » : le montant {format_euros(amount, 2)} "
                    "est négatif. Dans une balance, débit et crédit sont positifs ou nuls : "
                    "un solde créditeur s'écrit dans la colonne credit, pas avec un signe moins."
                )
            amounts.append(amount)
        accounts.append(account)
        labels.append("" if label is None or label != label else str(label).strip())
        debits.append(amounts[0])
        credits.append(amounts[1])
    total_debit, total_credit = math.fsum(debits), math.fsum(credits)
    if abs(total_debit - total_credit) > TOLERANCE_EUR:
        gap = total_debit - total_credit
        heavier = "débit" if gap > 0 else "crédit"
        raise InputError(
            f"{source} : la balance n'est pas équilibrée. Total débit "
            f"{format_euros(total_debit, 2)}, total crédit {format_euros(total_credit, 2)}, "
            f"écart {format_euros(abs(gap), 2)} en trop au {heavier}. En partie double, chaque "
            "écriture a autant au débit qu'au crédit : cherchez un compte oublié, un montant "
            "mal recopié ou inscrit dans la mauvaise colonne."
        )
    return pd.DataFrame({"compte": accounts, "libelle": labels, "debit": debits, "credit": credits})


def _require_account_of_year(account: str, year: int, where: str) -> None:
    """Refuse accounts that the ANC 2022-06 chart removed or renumbered (2025 and later)."""
    if year < REFORM_YEAR:
        return
    if account.startswith("79"):
        raise InputError(
            f"{where} : le compte 79 (transferts de charges) n'existe plus pour les exercices "
            f"ouverts à partir du 1er janvier {REFORM_YEAR} (règlement ANC 2022-06). Supprimez "
            "le compte 79 : selon le cas, inscrivez le remboursement reçu (indemnités "
            "journalières, aide à l'emploi, refacturation…) dans un compte de produits de la "
            "classe 7 ou en diminution de la charge concernée, comme le décide votre "
            "expert-comptable."
        )
    for old, (new, meaning) in RENUMBERED_2025.items():
        if account.startswith(old):
            raise InputError(
                f"{where} : le compte {old} est devenu le compte {new} ({meaning}) pour les "
                f"exercices ouverts à partir du 1er janvier {REFORM_YEAR} (règlement ANC "
                f"2022-06). Renumérotez {account} en {new}{account[len(old) :]}."
            )


def balances(tb: pd.DataFrame) -> pd.Series:
    """Balance (``debit − credit``, euros) of each account of a validated trial balance,
    indexed by ``compte``: positive for a debit balance, negative for a credit balance."""
    return pd.Series(
        (tb["debit"] - tb["credit"]).to_numpy(dtype=float),
        index=tb["compte"].astype(str).to_numpy(),
        name="solde",
    )


def _normalise_header(name: Any) -> str:
    text = unicodedata.normalize("NFKD", str(name).strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("°", " ").replace(".", " ").replace("_", " ")
    return " ".join(text.split())


def _header_keys(cells: Sequence[Any]) -> set[str]:
    keys = set()
    for cell in cells:
        name = _normalise_header(cell) if cell is not None and cell == cell else ""
        if name in _SIGNED_BALANCE_HEADERS:
            keys.add("solde")
        elif name in _HEADER_ALIASES:
            keys.add(_HEADER_ALIASES[name])
    return keys


def _header_row(rows: Sequence[Sequence[Any]]) -> int:
    """Index of the header among the first :data:`HEADER_SEARCH_LINES` rows: the first
    naming an account column and a debit (or signed balance) column; 0 when none does."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_LINES]):
        keys = _header_keys(cells)
        if "compte" in keys and ("debit" in keys or "solde" in keys):
            return index
    return 0


def _rename_columns(
    frame: pd.DataFrame, label: str, header_line: int = 1, lines: Sequence[int] | None = None
) -> pd.DataFrame:
    renamed: dict[Any, str] = {}
    signed: Any = None
    for column in frame.columns:
        name = _normalise_header(column)
        key = _HEADER_ALIASES.get(name)
        if key and key not in renamed.values():
            renamed[column] = key
        elif name in _SIGNED_BALANCE_HEADERS and signed is None:
            signed = column
    missing = [c for c in TRIAL_BALANCE_COLUMNS if c not in renamed.values()]
    if "libelle" in missing:
        frame = frame.assign(libelle="")
        renamed["libelle"] = "libelle"
        missing.remove("libelle")
    if signed is not None and "debit" in missing and "credit" in missing:
        # One signed column « Solde »: a debit balance is positive, a credit one negative.
        debits, credits = [], []
        accounts = (
            frame[next(c for c, k in renamed.items() if k == "compte")]
            if ("compte" not in missing)
            else pd.Series([""] * len(frame))
        )
        for position, (account, value) in enumerate(zip(accounts, frame[signed], strict=True)):
            line = lines[position] if lines is not None else _line(position)
            amount = _amount(value, _where(label, line, _account_text(account)), str(signed))
            debits.append(max(amount, 0.0))
            credits.append(max(-amount, 0.0))
        frame = frame.assign(debit=debits, credit=credits)
        renamed["debit"], renamed["credit"] = "debit", "credit"
        missing = [c for c in missing if c not in ("debit", "credit")]
    scaled = [str(c) for c in frame.columns if _THOUSANDS.search(str(c))]
    if scaled:
        raise DataError(
            f"{label}, ligne {header_line} : la colonne « {scaled[0]} » est en milliers ou en "
            "millions d'euros. Le cours lit une balance en euros, dans une seule unité : "
            "ré-exportez la balance générale en euros (sans arrondi au millier)."
        )
    if missing:
        raise DataError(
            f"{label}, ligne {header_line} : colonne(s) introuvable(s) : {', '.join(missing)}. "
            f"Colonnes lues : {', '.join(map(str, frame.columns))}. La ligne d'en-tête doit "
            "nommer les colonnes « Compte », « Libellé », « Débit » et « Crédit » (ou "
            "« Solde débiteur » et « Solde créditeur », ou un seul « Solde » signé) : export "
            "« balance générale » du logiciel comptable."
        )
    return frame.rename(columns=renamed)[list(TRIAL_BALANCE_COLUMNS)]


def _require_regular_csv(path: Path, label: str) -> None:
    """Name the first line whose number of cells differs from the header's."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return  # read_csv_table gives the French message
    lines = text.splitlines()
    if not lines:
        return
    counts = {sep: [len(row) for row in csv.reader(lines, delimiter=sep)] for sep in (";", ",")}
    for sep in (";", ","):
        cells = counts[sep]
        if cells and cells[0] > 1 and all(n == cells[0] or n <= 1 for n in cells):
            return
    sep = ";" if counts[";"][0] >= counts[","][0] else ","
    expected = counts[sep][0]
    for number, (n, line) in enumerate(zip(counts[sep], lines, strict=True), start=1):
        if line.strip() and n != expected:
            name = "points-virgules" if sep == ";" else "virgules"
            raise DataError(
                f"{label}, ligne {number} : {n} cellules au lieu de {expected} (séparateur "
                f"« {sep} »). Vérifiez que la ligne a autant de {name} que la ligne 1 et "
                f"qu'un libellé contenant « {sep} » est entre guillemets."
            )


def read_trial_balance(path: Path | str, year: int) -> pd.DataFrame:
    """Read a trial balance exported by accounting software (CSV or XLSX) and validate it.

    CSV: « ; » or « , » between columns, decimal comma or point, thousands grouped by
    spaces (``1 234,56``), UTF-8 with or without byte-order mark, or Windows-1252 /
    Latin-1 (the encoding of many French accounting programs' exports, read when the file
    is not UTF-8). XLSX: the first sheet.
    The header line names the columns (accents and case ignored): ``Compte`` (or
    ``N° de compte``), ``Libellé`` (or ``Intitulé``, optional), ``Débit`` (or ``Solde
    débiteur``) and ``Crédit`` (or ``Solde créditeur``), or a single signed ``Solde``
    (positive: debit balance, negative: credit balance). The header is the first of the
    first :data:`HEADER_SEARCH_LINES` lines naming an account and a debit (or solde)
    column: title lines above it (company, period) are left out, and messages give the
    line in the file. Lines whose account cell starts with « Total » (totals and
    sub-totals of the export), blank lines and headings with neither account nor amount
    (« Classe 1 – Capitaux ») are left out.

    Returns the trial balance validated by :func:`require_trial_balance`.

    Raises:
        DataError: unreadable file, unknown extension, a CSV that is not text (a
            workbook renamed .csv), missing column, or a line of the CSV with a wrong
            number of cells (French message naming file and line).
        InputError: every problem of :func:`require_trial_balance`, naming the file and
            the line.
    """
    file = Path(path)
    label = f"Fichier {file.name}"
    suffix = file.suffix.lower()
    if suffix == ".csv":
        frame, header = _read_csv_frame(file, label)
        lines = [header + _line(position) for position in range(len(frame))]
    elif suffix in {".xlsx", ".xlsm"}:
        frame, header, lines = _read_xlsx_frame(file, label)
    else:
        raise DataError(
            f"{label} : format « {suffix or 'sans extension'} » non pris en charge. "
            "Exportez la balance générale au format CSV (.csv) ou Excel (.xlsx)."
        )
    frame = _rename_columns(frame, label, header + 1, lines)
    # Total and sub-total lines (« Total classe 6 », « Total général ») would count twice;
    # blank lines and headings without account nor amount (« Classe 1 – Capitaux ») hold
    # nothing; the other rows keep the line numbers of the file.
    subtotal = frame["compte"].map(lambda v: _account_text(v).lower().startswith("total"))
    empty = [
        not _account_text(account) and _blank(debit) and _blank(credit)
        for account, debit, credit in frame[["compte", "debit", "credit"]].itertuples(
            index=False, name=None
        )
    ]
    keep = ~(subtotal.to_numpy(dtype=bool) | pd.Series(empty, dtype=bool).to_numpy())
    kept = frame[keep]
    kept_lines = [line for line, kept_row in zip(lines, keep, strict=True) if kept_row]
    return require_trial_balance(kept.reset_index(drop=True), year, source=label, lines=kept_lines)


def _blank(value: Any) -> bool:
    """True for an empty cell (None, NaN or blank text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()


def _read_xlsx_frame(file: Path, label: str) -> tuple[pd.DataFrame, int, list[int]]:
    """The first sheet's rows under its header (found among the first lines), the
    header's index (0 for row 1) and the sheet row of each data row."""
    if not file.is_file():
        raise DataError(f"{label} : fichier introuvable ({file}). Vérifiez le chemin.")
    try:
        raw = pd.read_excel(file, dtype=object, engine="openpyxl", header=None)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise DataError(
            f"{label} : le classeur n'a pas pu être lu ({type(exc).__name__}). "
            "Enregistrez-le à nouveau au format « Classeur Excel (.xlsx) »."
        ) from None
    if raw.empty:
        raise DataError(f"{label} : la première feuille est vide. Exportez à nouveau la balance.")
    header = _header_row([list(row) for row in raw.itertuples(index=False, name=None)])
    names = [str(c).strip() if c is not None and c == c else "" for c in raw.iloc[header]]
    body = raw.iloc[header + 1 :].dropna(how="all")
    frame = pd.DataFrame(body.to_numpy(), columns=names)
    return frame, header, [int(index) + 1 for index in body.index]


def _read_csv_frame(file: Path, label: str) -> tuple[pd.DataFrame, int]:
    """The cells of a CSV export as text (UTF-8, or else Windows-1252 / Latin-1), from
    its header line (found among the first lines), and the header's index (0: line 1)."""
    try:
        data = file.read_bytes()
    except OSError:
        return read_csv_table(file, label).frame, 0  # its French message (missing file...)
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{label} : ce fichier n'est pas un texte CSV (c'est peut-être un classeur Excel "
            "renommé en .csv). Enregistrez-le au format « CSV (point-virgule) » ou gardez "
            "l'extension .xlsx."
        )
    try:
        text = data.decode("utf-8-sig")
        converted = False
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        converted = True
    lines = text.splitlines()
    header = max(
        _header_row([next(csv.reader([line], delimiter=sep), []) for line in lines])
        for sep in (";", ",")
    )
    if not converted and header == 0:
        _require_regular_csv(file, label)
        return read_csv_table(file, label).frame, 0
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / file.name
        copy.write_text("\n".join(lines[header:]) + "\n", encoding="utf-8")
        try:
            _require_regular_csv(copy, label)
            return read_csv_table(copy, label).frame, header
        except DataError as error:
            if not header:
                raise
            raise DataError(
                f"{error} (lignes comptées à partir de l'en-tête, ligne {header + 1} du fichier)"
            ) from None


def read_uploaded_trial_balance(name: str, content: bytes, year: int) -> pd.DataFrame:
    """Read a trial balance received as bytes (a file uploaded in a form).

    ``name`` is the file's name as the trainee's computer gave it (its extension,
    ``.csv``, ``.xlsx`` or ``.xlsm``, says how to read it; a folder part is ignored);
    ``content`` its bytes. Same rules, result and errors as :func:`read_trial_balance`,
    the messages naming the file by ``name``.

    Raises:
        DataError: empty file, and the errors of :func:`read_trial_balance`.
        InputError: the errors of :func:`require_trial_balance`.
    """
    base = Path(str(name).replace("\\", "/")).name or "balance.csv"
    if not content:
        raise DataError(
            f"Fichier {base} : le fichier est vide. Exportez à nouveau la balance générale "
            "depuis votre logiciel comptable."
        )
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / base
        copy.write_bytes(bytes(content))
        return read_trial_balance(copy, year)

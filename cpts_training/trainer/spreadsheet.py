"""CSV files that a French spreadsheet opens as they are.

French Excel and LibreOffice read a CSV with « ; » between columns, a decimal
comma, and UTF-8 announced by a byte-order mark (without it, « é » shows as
« Ã© »). Every CSV the trainer gets is written by :func:`write_spreadsheet_csv`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpts_training.errors import CPTSError

SEPARATOR = ";"
DECIMAL = ","
ENCODING = "utf-8-sig"


def require_csv_destination(destination: Path, replace: bool = False) -> Path:
    """Resolve ``destination`` and fail in French unless a CSV can be written there.

    The name must end with ``.csv``, its folder must exist, and an existing file is
    only replaced with ``replace`` (a folder never is).
    """
    destination = Path(destination).expanduser().resolve()
    if destination.is_dir():
        raise CPTSError(
            f"{destination} est un dossier : indiquez un nom de fichier, par exemple "
            f"{destination / 'notes.csv'}."
        )
    if destination.suffix.lower() != ".csv":
        raise CPTSError(
            f"Le fichier {destination.name} doit avoir l'extension .csv (par exemple "
            f"{destination.with_suffix('.csv').name}), pour ne pas écraser un autre document."
        )
    if not destination.parent.is_dir():
        raise CPTSError(
            f"Le dossier {destination.parent} n'existe pas : créez-le ou choisissez un "
            "autre emplacement."
        )
    if destination.exists() and not replace:
        raise CPTSError(
            f"Le fichier {destination} existe déjà : il n'est pas remplacé. "
            "Choisissez un autre nom ou relancez avec --replace."
        )
    return destination


def write_spreadsheet_csv(table: pd.DataFrame, destination: Path) -> Path:
    """Write ``table`` for a French spreadsheet (« ; », decimal comma, UTF-8 with BOM)."""
    table.to_csv(destination, sep=SEPARATOR, decimal=DECIMAL, encoding=ENCODING, index=False)
    return destination


def read_spreadsheet_csv(source: Path) -> pd.DataFrame:
    """Read back a CSV written by :func:`write_spreadsheet_csv`."""
    return pd.read_csv(source, sep=SEPARATOR, decimal=DECIMAL, encoding=ENCODING)

"""The course glossary: acronyms and terms the modules use, with French definitions.

One data file, ``cpts_training/data/glossaire.yaml``, is the single source: notebooks
read it through :func:`definition` and :func:`key_terms`, and the public book generates
its « Glossaire » page from it and links the first occurrence of each term on its pages.

A term is written as the pages write it (case matters: ``"CAF"`` is the capacité
d'autofinancement, not a word of a sentence)::

    >>> definition("FRNG").startswith("Ressources stables")
    True
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cpts_training.errors import CPTSError, DataError
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossaire.yaml"
"""The glossary data file shipped with the package."""


class Term(BaseModel):
    """One entry of the glossary.

    Attributes:
        terme: the term as the pages write it (``"CPTS"``).
        developpe: its expanded form (« communauté professionnelle territoriale de santé »).
        definition: one or two French sentences.
        source: address of a public source, or ``None``.
        voir_aussi: other terms of the glossary.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    terme: str = Field(min_length=1)
    developpe: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    source: str | None = None
    voir_aussi: list[str] = []

    @field_validator("terme")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if value != value.strip() or "\n" in value:
            raise ValueError("le terme doit tenir sur une ligne, sans espace autour")
        return value

    @field_validator("source")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("la source doit être une adresse web (https://…)")
        return value


class _GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    termes: list[Term] = Field(min_length=1)


_PLACES = ErrorPlaces(
    model=_GlossaryFile,
    item_nouns={"termes": "terme"},
    field_hints={
        "terme": "le sigle tel qu'il s'écrit dans les pages, par exemple CPTS",
        "developpe": "la forme développée du sigle",
        "definition": "une ou deux phrases de définition en français",
        "source": "l'adresse d'une source publique (https://…), ou rien",
        "voir_aussi": "la liste d'autres termes du glossaire, par exemple [ACI, ARS]",
        "termes": "la liste des termes",
    },
)


def load_glossary(path: Path | None = None) -> list[Term]:
    """Read and check a glossary file (default: the package's ``glossaire.yaml``).

    Returns the terms sorted alphabetically (case and accents ignored).

    Raises:
        DataError: the file is missing or not valid YAML, an entry lacks a field or has an
            unknown one, a term appears twice, or a « voir aussi » names a term the glossary
            does not define; the French message names the entry and the fix.
    """
    path = path or GLOSSARY_FILE
    raw = read_yaml(path, f"Glossaire {path.name}")
    try:
        terms = _GlossaryFile.model_validate(raw).termes
    except ValidationError as error:
        raise DataError(explain_validation_error(error, raw, path.name, _PLACES)) from None
    seen: set[str] = set()
    for term in terms:
        if term.terme in seen:
            raise DataError(
                f"{path.name} : le terme « {term.terme} » est défini deux fois. "
                "Gardez une seule entrée et fusionnez les définitions."
            )
        seen.add(term.terme)
    for term in terms:
        unknown = [other for other in term.voir_aussi if other not in seen]
        if unknown:
            raise DataError(
                f"{path.name} : « voir aussi » du terme « {term.terme} » cite "
                f"{', '.join(unknown)}, absent(s) du glossaire. Ajoutez ces termes ou "
                "retirez-les de la liste."
            )
    return sorted(terms, key=lambda t: _sort_key(t.terme))


def _sort_key(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


@cache
def _default_glossary() -> tuple[Term, ...]:
    return tuple(load_glossary())


def glossary() -> list[Term]:
    """Every term of the course glossary, sorted alphabetically."""
    return list(_default_glossary())


def term(name: str) -> Term:
    """The glossary entry of ``name`` (exact spelling, e.g. ``"FRNG"``).

    Raises:
        CPTSError: the glossary has no such term; the French message gives the closest
            term when one is near (« Vouliez-vous dire « FRNG » ? »).
    """
    entries = {t.terme: t for t in _default_glossary()}
    if name in entries:
        return entries[name]
    by_fold = {t.terme.casefold(): t for t in entries.values()}
    if name.strip().casefold() in by_fold:
        near = [by_fold[name.strip().casefold()].terme]
    else:
        near = difflib.get_close_matches(name.strip().upper(), list(entries), n=1, cutoff=0.5)
    hint = f" Vouliez-vous dire « {near[0]} » ?" if near else ""
    raise CPTSError(
        f"« {name} » n'est pas dans le glossaire du cours.{hint} Les termes définis sont : "
        f"{', '.join(entries)}."
    )


def definition(name: str) -> str:
    """French definition of ``name``, starting with its expanded form.

    Example: ``definition("FRNG")`` → « FRNG (fonds de roulement net global) : Ressources
    stables… ».

    Raises:
        CPTSError: unknown term (see :func:`term`).
    """
    entry = term(name)
    return f"{entry.terme} ({entry.developpe}) : {entry.definition}"


def key_terms(names: list[str]) -> pd.DataFrame:
    """A table of the given terms for a notebook: columns ``Sigle``, ``Signification``,
    ``Définition``, in the order given.

    Raises:
        CPTSError: one of the names is not in the glossary (see :func:`term`).
    """
    entries = [term(name) for name in names]
    return pd.DataFrame(
        {
            "Sigle": [t.terme for t in entries],
            "Signification": [t.developpe for t in entries],
            "Définition": [t.definition for t in entries],
        }
    )

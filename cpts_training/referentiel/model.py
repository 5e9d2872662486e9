"""The référentiel's data model: blocs, competencies, phases, profile (pydantic)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from cpts_training.errors import DataError
from cpts_training.readers import fail

if TYPE_CHECKING:
    import pandas as pd


BLOC_COUNT = 5
BLOC_ID_PATTERN = re.compile(r"^B[1-5]$")
COMPETENCY_ID_PATTERN = re.compile(r"^B[1-5]\.C\d{2}$")
ORIGIN_LABELS = {"source": "cahier des charges", "completed": "complétée"}
"""Label of each ``origin`` on the syllabus page: ``source`` (listed verbatim in the
ARS Occitanie 2023 cahier des charges) and ``completed`` (added to complete a list that
the document cuts short)."""


# --------------------------------------------------------------------------------------
# Field-level checks (messages in French: they reach trainers editing the YAML file)
# --------------------------------------------------------------------------------------


def _non_empty(value: str) -> str:
    if not value.strip():
        fail("texte vide. Correction : écrivez le texte attendu, en français, entre guillemets.")
    return value


Text = Annotated[str, AfterValidator(_non_empty)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """The document the référentiel is taken from."""

    label: Text
    publisher: Text | None = None
    date: Text | None = None
    url: Text | None = None
    note: Text | None = None
    excerpt: Text | None = Field(
        default=None, description="Repository path of a verbatim excerpt of the source."
    )


class ProfileItem(_Model):
    """One item of a list quoted from the source (savoir, compétence requise...)."""

    id: Text
    label: Text


class Profile(_Model):
    """The "Profil d'un coordinateur": savoirs, savoir-faire, savoir-être."""

    savoirs: list[ProfileItem] = Field(min_length=1)
    savoir_faire: list[ProfileItem] = Field(min_length=1)
    savoir_etre: list[ProfileItem] = Field(min_length=1)


class Function(_Model):
    """One of the "fonctions visées" of a coordinator."""

    id: Text
    label: Text
    description: Text


class Step(_Model):
    """One step of a CPTS phase."""

    id: Text
    label: Text


class Phase(_Model):
    """One of the two phases of a CPTS (élaboration du projet de santé, déploiement)."""

    id: Text
    label: Text
    steps: list[Step] = Field(min_length=1)


class Competency(_Model):
    """A competency of a bloc, with a stable id such as ``B5.C03``.

    ``origin`` is ``"source"`` when the competency is listed verbatim in the source
    document (the ARS Occitanie 2023 cahier des charges) and
    ``"completed"`` when it completes a list the source cuts short; ``completed_from``
    then quotes the passage of the source that justifies it.
    """

    id: str
    label: Text
    origin: Literal["source", "completed"]
    completed_from: Text | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not COMPETENCY_ID_PATTERN.fullmatch(value):
            fail(
                f"identifiant « {value} » invalide. Correction : écrivez-le sous la forme "
                "B<numéro du bloc, de 1 à 5>.C<deux chiffres>, par exemple B3.C02."
            )
        return value

    @model_validator(mode="after")
    def _check_origin(self) -> Competency:
        if self.origin == "completed" and self.completed_from is None:
            fail(
                "compétence « completed » sans champ « completed_from ». Correction : ajoutez "
                "« completed_from: » en citant le passage du cahier des charges qui justifie "
                "cette compétence, ou mettez « origin: source » si elle figure telle quelle dans "
                "la liste du bloc."
            )
        if self.origin == "source" and self.completed_from is not None:
            fail(
                "compétence « source » avec un champ « completed_from ». Correction : supprimez "
                "« completed_from » (une compétence « source » est citée telle quelle) ou mettez "
                "« origin: completed »."
            )
        return self


class Bloc(_Model):
    """A bloc de compétences (``B1`` to ``B5``) and its competencies, in order."""

    id: str
    label: Text
    competencies: list[Competency] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not BLOC_ID_PATTERN.fullmatch(value):
            fail(
                f"identifiant de bloc « {value} » invalide. Correction : écrivez B1, B2, B3, "
                "B4 ou B5."
            )
        return value

    @model_validator(mode="after")
    def _check_prefixes(self) -> Bloc:
        used = {competency.id for competency in self.competencies}
        for position, competency in enumerate(self.competencies, start=1):
            prefix, suffix = competency.id.split(".")
            if prefix != self.id:
                renamed = f"{self.id}.{suffix}"
                if renamed in used:
                    numbers = [int(c.split(".C")[1]) for c in used if c.startswith(self.id + ".")]
                    renamed = f"{self.id}.C{max(numbers, default=0) + 1:02d}"
                fail(
                    f"la compétence n°{position} (« {competency.id} ») porte le préfixe "
                    f"« {prefix} » alors qu'elle appartient au bloc {self.id}. Correction : "
                    f"renommez-la « {renamed} » ou déplacez-la dans le bloc {prefix}."
                )
        return self


class Referentiel(_Model):
    """The whole référentiel: source, profile, functions, phases and the five blocs."""

    id: Text
    title: Text
    version: Text
    source: Source
    profile: Profile
    required_competencies: list[ProfileItem] = Field(min_length=1)
    target_competencies: list[ProfileItem] = Field(min_length=1)
    functions: list[Function] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)
    blocs: list[Bloc]

    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_blocs(self) -> Referentiel:
        if len(self.blocs) != BLOC_COUNT:
            fail(
                f"le référentiel doit contenir exactement {BLOC_COUNT} blocs (B1 à B5) ; il en "
                f"contient {len(self.blocs)}. Correction : gardez les cinq blocs du cahier des "
                "charges, dans l'ordre, sous la clé « blocs »."
            )
        for position, bloc in enumerate(self.blocs, start=1):
            if bloc.id != f"B{position}":
                fail(
                    f"le bloc n°{position} porte l'identifiant « {bloc.id} » ; attendu "
                    f"« B{position} ». Correction : rangez les blocs dans l'ordre du cahier des "
                    "charges (B1 à B5), chacun une seule fois."
                )
        return self

    @model_validator(mode="after")
    def _check_unique_ids(self) -> Referentiel:
        seen: dict[str, str] = {}
        for item_id, place in self._ids_with_places():
            if item_id in seen:
                fail(
                    f"identifiant « {item_id} » utilisé deux fois : {seen[item_id]} et {place}. "
                    f"Correction : changez l'identifiant de l'élément « {place} »"
                    f"{self._free_id_hint(item_id)} ; ne renumérotez pas les éléments existants, "
                    "leurs identifiants sont cités ailleurs."
                )
            seen[item_id] = place
        return self

    def _ids_with_places(self) -> Iterator[tuple[str, str]]:
        lists: list[tuple[str, Sequence[ProfileItem | Function]]] = [
            ("savoir", self.profile.savoirs),
            ("savoir-faire", self.profile.savoir_faire),
            ("savoir-être", self.profile.savoir_etre),
            ("compétence requise", self.required_competencies),
            ("compétence visée", self.target_competencies),
            ("fonction", self.functions),
        ]
        for noun, items in lists:
            for position, item in enumerate(items, start=1):
                yield item.id, f"{noun} n°{position}"
        for phase_position, phase in enumerate(self.phases, start=1):
            yield phase.id, f"phase n°{phase_position}"
            for position, step in enumerate(phase.steps, start=1):
                yield step.id, f"phase {phase.id}, étape n°{position}"
        for bloc_position, bloc in enumerate(self.blocs, start=1):
            yield bloc.id, f"bloc n°{bloc_position}"
            for position, competency in enumerate(bloc.competencies, start=1):
                yield competency.id, f"bloc {bloc.id}, compétence n°{position}"

    def _free_id_hint(self, item_id: str) -> str:
        if not COMPETENCY_ID_PATTERN.fullmatch(item_id):
            return ""
        bloc_id = item_id.split(".")[0]
        numbers = [
            int(c.id.split(".C")[1])
            for b in self.blocs
            for c in b.competencies
            if b.id == bloc_id and COMPETENCY_ID_PATTERN.fullmatch(c.id)
        ]
        return f" (par exemple « {bloc_id}.C{max(numbers, default=0) + 1:02d} »)"

    # ---------------------------------------------------------------- public helpers

    @property
    def path(self) -> Path | None:
        """The file this référentiel was loaded from, if any."""
        return self._path

    def competencies(self) -> list[Competency]:
        """All competencies, bloc by bloc, in the order of the file."""
        return [competency for bloc in self.blocs for competency in bloc.competencies]

    def competency(self, competency_id: str) -> Competency:
        """The competency with id ``competency_id`` (e.g. ``"B5.C03"``).

        Raises:
            DataError: unknown id; the French message suggests the closest ids.
        """
        return self._find(competency_id)[1]

    def bloc(self, bloc_id: str) -> Bloc:
        """The bloc with id ``bloc_id`` (``"B1"`` to ``"B5"``).

        Raises:
            DataError: unknown bloc id, with a French message.
        """
        for bloc in self.blocs:
            if bloc.id == bloc_id:
                return bloc
        raise DataError(
            f"Bloc « {bloc_id} » inconnu{self._where()}. Correction : utilisez l'un des "
            f"identifiants {', '.join(b.id for b in self.blocs)}."
        )

    def bloc_of(self, competency_id: str) -> Bloc:
        """The bloc that holds the competency ``competency_id``.

        Raises:
            DataError: unknown competency id; the French message suggests the closest ids.
        """
        return self._find(competency_id)[0]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per competency, in order.

        Columns: ``bloc_id``, ``bloc_label``, ``competency_id``, ``label``, ``origin``
        (``"source"`` or ``"completed"``).
        """
        import pandas as pd

        rows = [
            {
                "bloc_id": bloc.id,
                "bloc_label": bloc.label,
                "competency_id": competency.id,
                "label": competency.label,
                "origin": competency.origin,
            }
            for bloc in self.blocs
            for competency in bloc.competencies
        ]
        columns = ["bloc_id", "bloc_label", "competency_id", "label", "origin"]
        return pd.DataFrame(rows, columns=columns)

    def _find(self, competency_id: str) -> tuple[Bloc, Competency]:
        for bloc in self.blocs:
            for competency in bloc.competencies:
                if competency.id == competency_id:
                    return bloc, competency
        known = [c.id for c in self.competencies()]
        wanted = str(competency_id).strip().upper()
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
        suggestion = (
            f"Vouliez-vous dire {', '.join(f'« {c} »' for c in close)} ? "
            if close
            else "Aucun identifiant proche. "
        )
        raise DataError(
            f"Compétence « {competency_id} » inconnue dans le référentiel{self._where()}. "
            f"{suggestion}Correction : utilisez un identifiant de la forme B<bloc>.C<deux "
            "chiffres> qui figure dans le référentiel (par exemple B5.C03)."
        )

    def _where(self) -> str:
        return f" « {self._path} »" if self._path is not None else ""


# --------------------------------------------------------------------------------------
# Loading

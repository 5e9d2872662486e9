"""The référentiel de compétences of the CPTS coordinator, as validated data.

The référentiel is the spine of the course: modules, exercises and graded cells point
to its competencies by their stable ids (``B5.C03``). It lives in
``course/referentiel.yaml`` (shipped in the wheel as ``cpts_training/data/referentiel.yaml``)
and follows the ARS Occitanie / Guichet CPTS cahier des charges of August 2023:

- ``profile``: savoirs, savoir-faire and savoir-être of a coordinator;
- ``required_competencies`` and ``target_competencies`` (compétences requises / visées);
- ``functions``: the five functions of a coordinator (fonctions visées);
- ``phases``: the two phases of a CPTS and their steps;
- ``blocs``: the five blocs de compétences, each a list of competencies whose ``origin``
  is ``source`` (listed verbatim in the cahier des charges) or ``completed`` (added where the
  document cuts its list short with "...", with ``completed_from`` quoting the sentence of
  the document that justifies it).

:func:`load_referentiel` reads and validates the file; every problem (YAML syntax, missing
or unknown field, malformed or duplicated id, wrong bloc prefix) raises
:class:`~cpts_training.errors.DataError` with a French message naming the file, the place
and the fix. :func:`render_markdown` turns the référentiel into the syllabus page of the book.
"""

from cpts_training.referentiel.loader import default_referentiel_path, load_referentiel
from cpts_training.referentiel.model import (
    BLOC_COUNT,
    Bloc,
    Competency,
    Phase,
    Profile,
    Referentiel,
)
from cpts_training.referentiel.page import render_markdown

__all__ = [
    "BLOC_COUNT",
    "Bloc",
    "Competency",
    "Phase",
    "Profile",
    "Referentiel",
    "default_referentiel_path",
    "load_referentiel",
    "render_markdown",
]

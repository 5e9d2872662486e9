"""Each acquired bloc as an Open Badges 3.0 achievement credential (1EdTech, JSON).

:func:`badge_credentials` turns a :class:`~.competency_profile.CompetencyProfile`
into one ``OpenBadgeCredential`` per trainee × bloc whose roll-up is « acquis »
(W3C Verifiable Credentials data model 2.0, contexts
:data:`OB_CONTEXT`); :func:`write_badges` writes them, one JSON file each, for a
badge platform to import. The issuer is the training organisation of the
workspace's ``competences.yaml`` (section ``organisme``: ``nom``, ``url``,
``email``; optional ``url_referentiel`` and ``cle_privee``).

Credentials are unsigned unless ``organisme.cle_privee`` names an Ed25519 private
key (PEM): each credential is then also written as a VC-JOSE compact JWS
(``.jwt``, header ``typ`` « vc+jwt », ``alg`` « Ed25519 » of RFC 9864), signed with
joserfc.

Ids are stable (UUID 5 of the issuer, the référentiel, the bloc and the trainee),
and ``validFrom`` is the date of the latest evidence of the bloc, so that running
the export again gives the same files.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.errors import CPTSError
from cpts_training.trainer.competency_model import (
    BLOC_ACQUIRED,
    build_profile,
    load_organisation,
)
from cpts_training.trainer.competency_profile import CompetencyProfile
from cpts_training.trainer.workspace import require_workspace

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
"""JSON-LD contexts of an Open Badges 3.0 credential (VC data model 2.0, OB 3.0.3)."""
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
CREDENTIAL_SCHEMA = [
    {
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
        "ob_v3p0_achievementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019",
    }
]
"""The published JSON schema a verifier checks the credential against."""
JWS_ALGORITHM = "Ed25519"
"""Fully-specified JOSE algorithm of an Ed25519 signature (RFC 9864)."""

_NAMESPACE = uuid.UUID("0f5b1c2e-3a4d-5e6f-8091-a2b3c4d5e6f7")
"""Namespace of the UUID 5 ids of badges (fixed: ids stay the same from run to run)."""


def badge_file_name(student: str, bloc: str) -> str:
    """``badge_<stagiaire>_<bloc>.json``."""
    return f"badge_{student}_{bloc}.json"


def require_issuer(organisation: Mapping[str, str]) -> dict[str, Any]:
    """The issuer ``Profile`` of the badges, from the ``organisme`` section.

    Raises:
        CPTSError: the name, url (http:// or https://) or email is missing or
            malformed; the French message says what to add to ``competences.yaml``.
    """
    missing = [key for key in ("nom", "url", "email") if not organisation.get(key)]
    if missing:
        raise CPTSError(
            "Organisme de formation incomplet pour émettre des badges : "
            f"{', '.join(f'« {key} »' for key in missing)} manquant(s). Ajoutez au fichier "
            "competences.yaml, à la racine de l'espace formateur, une section :\n"
            "organisme:\n  nom: Nom de l'organisme\n  url: https://site-de-l-organisme.fr\n"
            "  email: contact@site-de-l-organisme.fr"
        )
    url = organisation["url"].strip()
    if not url.startswith(("https://", "http://")):
        raise CPTSError(
            f"organisme.url « {url} » n'est pas une adresse web : écrivez-la en entier, "
            "par exemple https://site-de-l-organisme.fr, dans competences.yaml."
        )
    email = organisation["email"].strip()
    if "@" not in email:
        raise CPTSError(
            f"organisme.email « {email} » n'est pas une adresse électronique : corrigez-la "
            "dans competences.yaml (par exemple contact@site-de-l-organisme.fr)."
        )
    return {
        "id": url,
        "type": ["Profile"],
        "name": organisation["nom"].strip(),
        "url": url,
        "email": email,
    }


def _stable_id(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join(parts))}"


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def recipient_identifier(trainee: Mapping[str, str], salt: str) -> list[dict[str, Any]]:
    """The recipient: the salted SHA-256 of the email (OB ``IdentityHash``), or the
    trainee's id in plain text when the roster gave no email."""
    email = (trainee.get("email") or "").strip().lower()
    if email:
        digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
        return [
            {
                "type": "IdentityObject",
                "identityHash": f"sha256${digest}",
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    return [
        {
            "type": "IdentityObject",
            "identityHash": str(trainee["stagiaire"]),
            "identityType": "sourcedId",
            "hashed": False,
        }
    ]


def _awarded_on(profile: CompetencyProfile, student: str, bloc: str) -> datetime:
    """The latest grading or override date behind the trainee's levels in the bloc."""
    levels = profile.levels[
        (profile.levels["stagiaire"] == student) & (profile.levels["bloc"] == bloc)
    ]
    competencies = set(levels["competence"])
    evidence = profile.evidence[
        (profile.evidence["stagiaire"] == student)
        & profile.evidence["competence"].isin(competencies)
    ]
    dates = [*evidence["corrige_le"].dropna(), *evidence["rendu_le"].dropna()]
    dates += list(levels["derogation_le"].dropna())
    if not dates:
        return datetime.now(UTC)
    return pd.Timestamp(max(dates)).to_pydatetime()


def badge_credentials(
    profile: CompetencyProfile, issuer: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One unsigned ``OpenBadgeCredential`` (dict, JSON-ready) per trainee × bloc whose
    roll-up is « acquis » and final (no answer of the bloc waiting for a manual grade:
    :func:`provisional_blocs`), ordered by trainee then bloc.

    ``issuer``: the ``organisme`` section (``nom``, ``url``, ``email``, optional
    ``url_referentiel``: where the référentiel is published, used for the
    alignments' ``targetUrl``). The achievement (the same for every trainee) aligns to
    each competency of the bloc (``targetCode`` « B5.C03 ») and its criteria state the
    scale and its bloc rule; the credential's ``evidence`` names the competencies the
    trainee acquired.

    Raises:
        CPTSError: incomplete issuer (see :func:`require_issuer`).
    """
    return [credential for _, _, credential in _credentials(profile, issuer)]


def provisional_blocs(profile: CompetencyProfile) -> list[tuple[str, str]]:
    """(trainee, bloc) of the blocs « acquis » on provisional levels: some answer of the
    bloc still waits for a manual grade. They get no badge until it is graded."""
    acquired = profile.blocs[profile.blocs["niveau"] == BLOC_ACQUIRED]
    waiting = profile.levels[profile.levels["en_attente"] > 0]
    pending = set(zip(waiting["stagiaire"].astype(str), waiting["bloc"].astype(str), strict=True))
    return sorted(
        (str(row.stagiaire), str(row.bloc))
        for row in acquired.itertuples(index=False)
        if (str(row.stagiaire), str(row.bloc)) in pending
    )


def _credentials(
    profile: CompetencyProfile, issuer: Mapping[str, str]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(trainee, bloc, credential) of every acquired bloc (see :func:`badge_credentials`)."""
    profile_issuer = require_issuer(issuer)
    referentiel = profile.referentiel
    framework_url = (issuer.get("url_referentiel") or profile_issuer["url"]).strip()
    trainees: dict[str, dict[str, str]] = {
        str(row["stagiaire"]): {str(k): "" if pd.isna(v) else str(v) for k, v in row.items()}
        for row in profile.trainees.to_dict("records")
    }
    credentials = []
    acquired = profile.blocs[profile.blocs["niveau"] == BLOC_ACQUIRED]
    provisional = set(provisional_blocs(profile))
    for row in acquired.sort_values(["stagiaire", "bloc"]).itertuples(index=False):
        student, bloc_id = str(row.stagiaire), str(row.bloc)
        if (student, bloc_id) in provisional:
            continue
        bloc = next(b for b in referentiel.blocs if b.id == bloc_id)
        levels = profile.levels[
            (profile.levels["stagiaire"] == student) & (profile.levels["bloc"] == bloc_id)
        ]
        mastered = [
            f"{level.competence} {level.libelle}"
            for level in levels.itertuples(index=False)
            if level.acquise
        ]
        achievement_id = _stable_id(
            profile_issuer["id"], referentiel.id, referentiel.version, bloc_id
        )
        credential_id = _stable_id(achievement_id, student)
        name = f"Bloc {bloc_id} — {bloc.label}"
        trainee = trainees.get(student, {"stagiaire": student, "email": ""})
        credentials.append(
            (
                student,
                bloc_id,
                {
                    "@context": OB_CONTEXT,
                    "id": credential_id,
                    "type": CREDENTIAL_TYPE,
                    "issuer": profile_issuer,
                    "validFrom": _iso_z(_awarded_on(profile, student, bloc_id)),
                    "name": f"{name} : acquis",
                    "description": (
                        f"Bloc de compétences {bloc_id} du {referentiel.title} "
                        f"(version {referentiel.version}), acquis en formation."
                    ),
                    "credentialSubject": {
                        "type": ["AchievementSubject"],
                        "identifier": recipient_identifier(trainee, salt=credential_id[-12:]),
                        "achievement": {
                            "id": achievement_id,
                            "type": ["Achievement"],
                            "achievementType": "Competency",
                            "name": name,
                            "description": (
                                f"{bloc.label} : bloc {bloc_id} du {referentiel.title} "
                                f"(version {referentiel.version})."
                            ),
                            "criteria": {"narrative": " ".join(profile.scale.statement[:3])},
                            "inLanguage": "fr",
                            "creator": profile_issuer,
                            "alignment": [
                                {
                                    "type": ["Alignment"],
                                    "targetName": f"{level.competence} {level.libelle}",
                                    "targetCode": str(level.competence),
                                    "targetFramework": referentiel.title,
                                    "targetType": "ceasn:Competency",
                                    "targetUrl": f"{framework_url}#{level.competence}",
                                }
                                for level in levels.itertuples(index=False)
                            ],
                        },
                    },
                    "evidence": [
                        {
                            "type": ["Evidence"],
                            "name": "Compétences acquises",
                            "narrative": "; ".join(mastered) + ".",
                        }
                    ],
                    "credentialSchema": CREDENTIAL_SCHEMA,
                },
            )
        )
    return credentials


def sign_credential(credential: Mapping[str, Any], key_path: Path, key_id: str) -> str:
    """The credential as a VC-JOSE compact JWS (``typ`` « vc+jwt », ``cty`` « vc »),
    signed with the Ed25519 private key of ``key_path`` (PEM).

    Raises:
        CPTSError: unreadable key, or not an Ed25519 private key.
    """
    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import OKPKey

    try:
        key = OKPKey.import_key(Path(key_path).read_bytes())
    except (OSError, ValueError, TypeError, JoseError) as error:
        raise CPTSError(
            f"Clé de signature illisible : {key_path}. organisme.cle_privee doit désigner "
            "une clé privée Ed25519 au format PEM (par exemple créée avec « openssl genpkey "
            "-algorithm ed25519 -out cle_badges.pem »)."
        ) from error
    if key.curve_name != "Ed25519" or not key.is_private:
        raise CPTSError(
            f"La clé {key_path} n'est pas une clé privée Ed25519 : créez-en une avec "
            "« openssl genpkey -algorithm ed25519 -out cle_badges.pem »."
        )
    header = {"alg": JWS_ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": key_id}
    payload = json.dumps(credential, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return jws.serialize_compact(header, payload, key, algorithms=[JWS_ALGORITHM])


def write_badges(workspace: Path, destination: Path, replace: bool = False) -> list[Path]:
    """Write every acquired bloc's badge in ``destination``: ``badge_<stagiaire>_<bloc>.json``
    (the credential, unsigned), and ``.jwt`` beside it when a key is configured.

    A destination with badges of an earlier run is refused unless ``replace``; with
    ``replace``, those badges are removed first (a bloc no longer acquired leaves no
    stale badge), other files are kept. Returns the files written.

    Raises:
        CPTSError: no ``organisme`` section (or an incomplete one) in the workspace's
            ``competences.yaml``, a destination that is a file, earlier badges
            without ``replace``, an unreadable key.
    """
    workspace = require_workspace(workspace)
    organisation = load_organisation(workspace)
    if not organisation:
        require_issuer({})  # raises, saying what to add
    destination = Path(destination).expanduser().resolve()
    if destination.exists() and not destination.is_dir():
        raise CPTSError(
            f"{destination} est un fichier : indiquez un dossier pour les badges (il sera "
            "créé s'il n'existe pas)."
        )
    earlier = sorted(destination.glob("badge_*.json")) + sorted(destination.glob("badge_*.jwt"))
    if earlier and not replace:
        raise CPTSError(
            f"Le dossier {destination} contient déjà des badges : ils ne sont pas remplacés. "
            "Choisissez un autre dossier ou relancez avec --replace."
        )
    key_path: Path | None = None
    if organisation.get("cle_privee"):
        key_path = Path(organisation["cle_privee"]).expanduser()
        if not key_path.is_absolute():
            key_path = workspace / key_path
        if not key_path.is_file():
            raise CPTSError(
                f"Clé de signature introuvable : {key_path} (organisme.cle_privee). Corrigez "
                "le chemin dans competences.yaml, ou retirez cette ligne pour des badges non "
                "signés."
            )
    credentials = _credentials(build_profile(workspace), organisation)
    signed = {}
    if key_path is not None:
        key_id = f"{require_issuer(organisation)['id']}#cle-badges"
        signed = {c["id"]: sign_credential(c, key_path, key_id) for _, _, c in credentials}
    destination.mkdir(parents=True, exist_ok=True)
    for old in earlier:
        old.unlink()
    written = []
    for student, bloc, credential in credentials:
        path = destination / badge_file_name(student, bloc)
        path.write_text(
            json.dumps(credential, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(path)
        if credential["id"] in signed:
            token = path.with_suffix(".jwt")
            token.write_text(signed[credential["id"]] + "\n", encoding="utf-8")
            written.append(token)
    return written

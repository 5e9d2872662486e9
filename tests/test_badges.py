"""Open Badges 3.0 credentials of the acquired blocs (built from a synthetic profile)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from joserfc import jws
from joserfc.jwk import OKPKey, RSAKey

from cpts_training.errors import CPTSError
from cpts_training.referentiel import load_referentiel
from cpts_training.trainer.badges import (
    JWS_ALGORITHM,
    OB_CONTEXT,
    badge_credentials,
    badge_file_name,
    recipient_identifier,
    require_issuer,
    sign_credential,
    write_badges,
)
from cpts_training.trainer.competency_model import bloc_levels, competency_levels, load_scale
from cpts_training.trainer.competency_profile import (
    AUTOGRADER,
    EVIDENCE_COLUMNS,
    OVERRIDE_COLUMNS,
    TRAINEE_COLUMNS,
    CompetencyProfile,
)
from cpts_training.trainer.workspace import init_workspace

REFERENTIEL = load_referentiel()
SCALE = load_scale()
ISSUER = {
    "nom": "Organisme de formation exemple",
    "url": "https://formation.example.org",
    "email": "contact@formation.example.org",
}

# The required fields of the published OB 3.0 schema
# (purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json),
# pinned here so that the test needs no network.
OB3_REQUIRED = {
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
    "properties": {
        "@context": {"type": "array", "minItems": 2},
        "type": {"type": "array", "contains": {"const": "OpenBadgeCredential"}},
        "issuer": {"type": "object", "required": ["id", "type"]},
        "validFrom": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "credentialSubject": {
            "type": "object",
            "required": ["type", "achievement"],
            "additionalProperties": False,
            "properties": {
                "type": {"type": "array", "contains": {"const": "AchievementSubject"}},
                "id": {"type": "string"},
                "identifier": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "hashed", "identityHash", "identityType"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "IdentityObject"},
                            "hashed": {"type": "boolean"},
                            "identityHash": {"type": "string"},
                            "identityType": {"type": "string"},
                            "salt": {"type": "string"},
                        },
                    },
                },
                "achievement": {
                    "type": "object",
                    "required": ["id", "type", "name", "description", "criteria"],
                    "properties": {
                        "type": {"type": "array", "contains": {"const": "Achievement"}},
                        "criteria": {"type": "object", "required": ["narrative"]},
                        "alignment": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["type", "targetName", "targetUrl"],
                            },
                        },
                    },
                },
            },
        },
    },
}


def proof(student: str, competency: str, points: float, graded: str) -> dict[str, object]:
    return {
        "stagiaire": student,
        "evaluation": "evaluation_01",
        "tentative": 1,
        "carnet": "evaluation_01",
        "cellule": "q1",
        "competence": competency,
        "points": points,
        "points_max": 4.0,
        "en_attente": False,
        "rendu_le": pd.Timestamp("2026-03-02 09:00", tz="UTC"),
        "date_limite": pd.NaT,
        "retard_secondes": 0.0,
        "corrige_le": pd.Timestamp(graded, tz="UTC"),
        "corrige_par": AUTOGRADER,
        "commentaire": "",
    }


@pytest.fixture(scope="module")
def profile() -> CompetencyProfile:
    """B5 assessed on B5.C01 and B5.C02: Alice 4/4 and 3/4 (both ≥ 0.75, acquis), Bruno
    (no email) 4/4 and 4/4 (acquis), Carla 4/4 and 1/4 (0.25: « à retravailler »)."""
    evidence = pd.DataFrame(
        [
            proof("alice", "B5.C01", 4, "2026-03-03 10:00"),
            proof("alice", "B5.C02", 3, "2026-03-05 16:30"),
            proof("bruno", "B5.C01", 4, "2026-03-03 10:00"),
            proof("bruno", "B5.C02", 4, "2026-03-03 10:00"),
            proof("carla", "B5.C01", 4, "2026-03-03 10:00"),
            proof("carla", "B5.C02", 1, "2026-03-03 10:00"),
        ],
        columns=EVIDENCE_COLUMNS,
    )
    trainees = pd.DataFrame(
        [
            ["alice", "Durand", "Alice", "Alice.Durand@example.org"],
            ["bruno", "", "", ""],
            ["carla", "", "", "carla@example.org"],
        ],
        columns=TRAINEE_COLUMNS,
    )
    levels = competency_levels(evidence, ["alice", "bruno", "carla"], REFERENTIEL, SCALE)
    return CompetencyProfile(
        referentiel=REFERENTIEL,
        scale=SCALE,
        trainees=trainees,
        evidence=evidence,
        levels=levels,
        blocs=bloc_levels(levels, REFERENTIEL, SCALE, {"B5.C01", "B5.C02"}),
        overrides=pd.DataFrame(columns=OVERRIDE_COLUMNS),
    )


def test_one_credential_per_acquired_bloc(profile: CompetencyProfile) -> None:
    credentials = badge_credentials(profile, ISSUER)
    assert len(credentials) == 2  # Alice's and Bruno's B5; Carla's B5 is not acquired
    for credential in credentials:
        jsonschema.validate(credential, OB3_REQUIRED)
    alice = credentials[0]
    assert alice["@context"] == OB_CONTEXT
    assert alice["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert alice["issuer"] == {
        "id": "https://formation.example.org",
        "type": ["Profile"],
        "name": "Organisme de formation exemple",
        "url": "https://formation.example.org",
        "email": "contact@formation.example.org",
    }
    # The latest evidence of the bloc: B5.C02 graded on 5 March 16:30 UTC.
    assert alice["validFrom"] == "2026-03-05T16:30:00Z"
    achievement = alice["credentialSubject"]["achievement"]
    assert achievement["name"].startswith("Bloc B5 — Prendre en charge la gestion financière")
    codes = [item["targetCode"] for item in achievement["alignment"]]
    assert codes == [c.id for c in REFERENTIEL.blocs[4].competencies]
    assert achievement["alignment"][2]["targetUrl"] == "https://formation.example.org#B5.C03"
    assert "au moins 75\u00a0% des compétences du bloc" in achievement["criteria"]["narrative"]
    assert alice["evidence"][0]["narrative"].startswith("B5.C01 ")
    assert "B5.C02 " in alice["evidence"][0]["narrative"]
    # The same bloc has the same achievement for every trainee; credentials differ.
    bruno = credentials[1]
    assert bruno["credentialSubject"]["achievement"]["id"] == achievement["id"]
    assert bruno["id"] != alice["id"]
    # Bruno has no email: identified by his trainee id.
    assert bruno["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "bruno",
            "identityType": "sourcedId",
            "hashed": False,
        }
    ]


def test_credentials_are_stable_from_run_to_run(profile: CompetencyProfile) -> None:
    assert badge_credentials(profile, ISSUER) == badge_credentials(profile, ISSUER)


def test_the_email_is_hashed_as_the_specification_says() -> None:
    # The specification's example: SHA-256 of « a@example.com » salted with « Kosher ».
    identity = recipient_identifier({"stagiaire": "x", "email": "A@example.com"}, "Kosher")
    assert identity == [
        {
            "type": "IdentityObject",
            "identityHash": "sha256$"
            "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "Kosher",
        }
    ]


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ({}, "« nom », « url », « email » manquant"),
        ({**ISSUER, "email": ""}, "« email » manquant"),
        ({**ISSUER, "url": "formation.example.org"}, "n'est pas une adresse web"),
        ({**ISSUER, "email": "contact"}, "n'est pas une adresse électronique"),
    ],
)
def test_an_incomplete_issuer_is_refused_in_french(issuer: dict[str, str], expected: str) -> None:
    with pytest.raises(CPTSError, match=expected) as error:
        require_issuer(issuer)
    assert "competences.yaml" in str(error.value)


def test_a_signed_credential_verifies_with_the_public_key(
    profile: CompetencyProfile, tmp_path: Path
) -> None:
    key = OKPKey.generate_key("Ed25519")
    pem = tmp_path / "cle_badges.pem"
    pem.write_bytes(key.as_pem(private=True))
    credential = badge_credentials(profile, ISSUER)[0]
    token = sign_credential(credential, pem, "https://formation.example.org#cle-badges")
    public = OKPKey.import_key(key.as_pem(private=False))
    verified = jws.deserialize_compact(token, public, algorithms=[JWS_ALGORITHM])
    assert verified.headers()["typ"] == "vc+jwt"
    assert verified.headers()["kid"] == "https://formation.example.org#cle-badges"
    assert json.loads(verified.payload) == credential
    # Another key does not verify it.
    other = OKPKey.generate_key("Ed25519")
    with pytest.raises(Exception, match="signature"):
        jws.deserialize_compact(token, other, algorithms=[JWS_ALGORITHM])


@pytest.mark.parametrize("content", ["rsa", "garbage"])
def test_a_key_that_is_not_ed25519_is_refused(
    profile: CompetencyProfile, tmp_path: Path, content: str
) -> None:
    pem = tmp_path / "cle.pem"
    if content == "rsa":
        pem.write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    else:
        pem.write_text("pas une clé", encoding="utf-8")
    credential = badge_credentials(profile, ISSUER)[0]
    with pytest.raises(CPTSError, match="Ed25519"):
        sign_credential(credential, pem, "kid")


def test_badges_need_the_organisation_in_the_workspace(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "espace")
    with pytest.raises(CPTSError, match="organisme:") as error:
        write_badges(workspace, tmp_path / "badges")
    assert "competences.yaml" in str(error.value)
    assert not (tmp_path / "badges").exists()


def test_badge_file_names_are_stable() -> None:
    assert badge_file_name("dupont-marie", "B5") == "badge_dupont-marie_B5.json"

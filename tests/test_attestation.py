"""The « attestation de compétences » PDF, produced by WeasyPrint and read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import types
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from cpts_training.errors import CPTSError
from cpts_training.trainer import attestation
from cpts_training.trainer.attestation import (
    ORGANISATION_PLACEHOLDER,
    AttestationUnavailable,
    attestation_warnings,
    render_attestation_html,
    write_attestation,
)
from cpts_training.trainer.competency_profile import CompetencyProfile
from tests.test_competency_report import ORGANISATION, sample_profile

ISSUED = dt.date(2026, 12, 5)


def _text(pdf: bytes | Path) -> str:
    """The PDF's text, every run of spaces and line breaks made one space."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture(scope="module")
def profile() -> CompetencyProfile:
    return sample_profile()


@pytest.fixture(scope="module")
def alice_pdf(profile: CompetencyProfile, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attestations") / "attestation_alice.pdf"
    assert write_attestation(profile, "alice", path, issued_on=ISSUED) == path
    return path


def test_the_attestation_names_the_trainee_the_organisation_and_the_referentiel(
    alice_pdf: Path,
) -> None:
    reader = PdfReader(alice_pdf)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4: 210 mm
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)  # 297 mm
    text = _text(alice_pdf)
    assert "Attestation de compétences" in text
    assert "Alice Martin" in text
    assert ORGANISATION["nom"] in text
    assert "Référentiel de compétences du coordinateur de CPTS (version 2023-08)" in text
    assert "ARS Occitanie / Guichet CPTS" in text  # the référentiel's source
    # Her copies: evaluation_00 on 20/11 at 10 h, evaluation_01 on 30/11 (Paris time).
    assert "du 20/11/2026 au 30/11/2026" in text


def test_the_attestation_lists_the_acquired_competencies_per_bloc(alice_pdf: Path) -> None:
    text = _text(alice_pdf)
    # Alice: B1.C03 acquired (1 of 13), B5.C01, C02, C03, C07 (4 of 18); nothing elsewhere.
    assert "B1.C03 Mobiliser le cadre réglementaire et législatif" in text
    assert "B5.C07 Planifier et gérer la trésorerie" in text
    assert "4 compétence(s) acquise(s) sur 18" in text
    assert "B5.C04" not in text  # not assessed: not attested
    assert text.count("Aucune compétence acquise à ce jour dans ce bloc.") == 3  # B2, B3, B4
    assert "Une compétence est « acquise » à partir de 75 %" in text  # the scale's statement


def test_the_attestation_ends_with_a_block_to_sign(alice_pdf: Path) -> None:
    text = _text(alice_pdf)
    assert "Fait à Toulouse, le 05/12/2026." in text
    assert "Nom, qualité et signature du responsable de l'organisme" in text
    assert "Cachet de l'organisme" in text


def test_an_override_is_attested_and_a_pending_answer_is_not(profile: CompetencyProfile) -> None:
    page = render_attestation_html(profile, "bruno", ISSUED)
    # Bruno: B5.C07 acquired by override; B5.C03 waits for its grade; nothing else acquired.
    assert "Planifier et gérer la trésorerie" in page
    assert "Présenter le budget devant la gouvernance" not in page
    assert page.count("Aucune compétence acquise à ce jour dans ce bloc.") == 4


def test_without_an_organisation_a_placeholder_is_printed_and_a_warning_given(
    profile: CompetencyProfile,
) -> None:
    anonymous = replace(profile, organisation={})
    (warning,) = attestation_warnings(anonymous)
    assert f"« {ORGANISATION_PLACEHOLDER} »" in warning and "--replace" in warning
    text = _text(attestation.attestation_pdf(anonymous, "chloe", ISSUED))
    assert f"L'organisme de formation {ORGANISATION_PLACEHOLDER} atteste que Chloé Dubois" in text
    assert "Fait à …" in text
    assert attestation_warnings(profile) == []
    (no_place,) = attestation_warnings(replace(profile, organisation={"nom": "IFC"}))
    assert "la ville (lieu)" in no_place and ORGANISATION_PLACEHOLDER not in no_place


def test_an_unknown_trainee_gets_no_attestation(profile: CompetencyProfile, tmp_path: Path) -> None:
    with pytest.raises(CPTSError, match="« zoe » n'est pas dans le carnet de notes"):
        write_attestation(profile, "zoe", tmp_path / "attestation_zoe.pdf")
    assert not list(tmp_path.iterdir())


def test_missing_system_libraries_are_named_in_french(
    profile: CompetencyProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pango(name: str) -> types.ModuleType:
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: not found")

    monkeypatch.setattr(attestation, "import_module", no_pango)
    with pytest.raises(AttestationUnavailable) as raised:
        write_attestation(profile, "alice", tmp_path / "a.pdf")
    message = str(raised.value)
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "Les rapports HTML et les exports sont écrits quand même" in message
    assert isinstance(raised.value, CPTSError) and not (tmp_path / "a.pdf").exists()

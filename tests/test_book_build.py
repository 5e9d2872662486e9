"""The book's build stages the same bytes twice, so that a rebuild redoes only what changed."""

from __future__ import annotations

from pathlib import Path

from cpts_training.book import stage_book, sync_folder


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_two_stagings_are_byte_identical(tmp_path: Path) -> None:
    first = _files(stage_book(tmp_path / "un"))
    second = _files(stage_book(tmp_path / "deux"))
    assert first.keys() == second.keys()
    changed = [str(path) for path in first if first[path] != second[path]]
    assert changed == []
    assert any(path.suffix == ".ipynb" for path in first)


def test_sync_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    source, destination = tmp_path / "source", tmp_path / "destination"
    (source / "modules").mkdir(parents=True)
    (source / "intro.md").write_text("Bonjour", encoding="utf-8")
    (source / "modules" / "m.md").write_text("Module", encoding="utf-8")
    assert sorted(map(str, sync_folder(source, destination))) == ["intro.md", "modules/m.md"]
    (destination / "ancienne.md").write_text("retirée", encoding="utf-8")
    (destination / "vieux").mkdir()
    (source / "intro.md").write_text("Bonjour à tous", encoding="utf-8")
    assert [str(p) for p in sync_folder(source, destination)] == ["intro.md"]
    assert (destination / "intro.md").read_text(encoding="utf-8") == "Bonjour à tous"
    assert not (destination / "ancienne.md").exists()
    assert not (destination / "vieux").exists()
    # A file that became a folder is replaced.
    (source / "intro.md").unlink()
    (source / "intro.md").mkdir()
    assert sync_folder(source, destination) == []
    assert (destination / "intro.md").is_dir()

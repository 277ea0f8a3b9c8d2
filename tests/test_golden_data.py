"""The golden reference data are committed, unchanged, and each file has its provenance."""

from __future__ import annotations

import hashlib

from tests.conftest import GOLDEN_DIR


def checksums() -> dict[str, str]:
    lines = (GOLDEN_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split(None, 1) for line in lines if line)}


def test_every_golden_file_matches_its_recorded_checksum():
    for name, digest in checksums().items():
        assert hashlib.sha256((GOLDEN_DIR / name).read_bytes()).hexdigest() == digest, name


def test_every_golden_data_file_is_listed_and_has_a_provenance_note():
    listed = set(checksums())
    on_disk = {
        str(path.relative_to(GOLDEN_DIR))
        for path in GOLDEN_DIR.rglob("*")
        if path.is_file() and path.suffix == ".csv"
    }
    assert on_disk == listed
    for name in on_disk:
        top = name.split("/", 1)[0]
        note = (GOLDEN_DIR / top / "PROVENANCE.md").read_text(encoding="utf-8")
        filename = name.rsplit("/", 1)[-1]
        assert filename in note, f"{name} has no entry in {top}/PROVENANCE.md"
        assert "Licence:" in note, f"{top}/PROVENANCE.md names no licence"

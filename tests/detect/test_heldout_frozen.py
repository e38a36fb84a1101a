"""The independent held-out sets are frozen: the figures in docs/detection.md were measured on
exactly these bytes, written before training changed. A changed, added or removed file fails
here; replacing a set means a new manifest, new figures and saying so in the docs.
Each round judges one change and is then read by later models for "before"; in the
thirty-first session the eight rounds every model had read (``independent16`` and ``18``–``24``) became
training text (``corpus/calibration/indep16`` …), as earlier rounds had, when ``independent26`` judged that
change. ``independent25`` to ``31`` stay for "before" readings (``independent29`` judged the thirty-fourth
session's change, ``independent30`` and ``31`` the thirty-fifth's two); ``independent32``, frozen in the
thirty-sixth session before its change was fitted, judges that change (docs/detection.md)."""

import hashlib
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parents[2] / "corpus" / "heldout"
FOLDERS = [
    HELDOUT / "independent25",
    HELDOUT / "independent26",
    HELDOUT / "independent27",
    HELDOUT / "independent28",
    HELDOUT / "independent29",
    HELDOUT / "independent30",
    HELDOUT / "independent31",
    HELDOUT / "independent32",
]


def _manifest(folder: Path) -> dict[str, str]:
    entries = {}
    for line in (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_every_held_out_file_is_in_the_manifest_and_unchanged(folder: Path) -> None:
    entries = _manifest(folder)
    on_disk = sorted(p.name for p in folder.iterdir() if p.suffix in {".jsonl", ".csv"})
    assert sorted(entries) == on_disk
    for name, digest in entries.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_the_manifest_covers_every_register(folder: Path) -> None:
    assert {Path(n).stem for n in _manifest(folder)} == {"sms", "social", "chat", "call", "report"}

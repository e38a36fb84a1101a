"""The independent held-out sets are frozen: the figures in docs/detection.md were measured on
exactly these bytes, written before training changed. A changed, added or removed file fails
here; replacing a set means a new manifest, new figures and saying so in the docs.
In the twenty-second session the labelling rule was settled; ``independent15`` and
``independent17`` were retired to training text with their labels made to follow it,
``independent16`` (frozen in the twentieth) needed no change, and ``independent18``, written under
the rule, judged that session's retraining; ``independent19`` judges the twenty-third session's
change, ``independent20`` the twenty-fourth's, ``independent21`` the twenty-fifth's first and
``independent22`` its second; ``independent23`` the twenty-sixth's, ``independent24`` the twenty-eighth's
and ``independent25`` the thirtieth's; ``independent26`` judges the thirty-first's, ``independent27`` the next
change and ``independent28`` the one after. The earlier rounds have since become training and calibration
text (docs/detection.md)."""

import hashlib
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parents[2] / "corpus" / "heldout"
FOLDERS = [
    HELDOUT / "independent16",
    HELDOUT / "independent18",
    HELDOUT / "independent19",
    HELDOUT / "independent20",
    HELDOUT / "independent21",
    HELDOUT / "independent22",
    HELDOUT / "independent23",
    HELDOUT / "independent24",
    HELDOUT / "independent25",
    HELDOUT / "independent26",
    HELDOUT / "independent27",
    HELDOUT / "independent28",
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

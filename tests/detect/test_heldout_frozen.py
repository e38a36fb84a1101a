"""The independent held-out sets are frozen: the figures in docs/detection.md were measured on
exactly these bytes, written before training changed. A changed, added or removed file fails
here; replacing a set means a new manifest, new figures and saying so in the docs."""

import hashlib
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "corpus" / "heldout" / "independent"
MANIFEST = FOLDER / "MANIFEST.sha256"


def _manifest() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


def test_every_held_out_file_is_in_the_manifest_and_unchanged() -> None:
    entries = _manifest()
    on_disk = sorted(p.name for p in FOLDER.iterdir() if p.suffix in {".jsonl", ".csv"})
    assert sorted(entries) == on_disk
    for name, digest in entries.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name


def test_the_manifest_covers_every_register() -> None:
    assert {Path(n).stem for n in _manifest()} == {"sms", "social", "chat", "call", "report"}

"""The corpus keeps one labelling rule (docs/detection.md, "Labels"): in sms, social, chat and call a text
is fraud only if it is itself part of a scam; a report is fraud if it records one. Texts relabelled to follow
it are logged in ``corpus/relabels/``; a file restored from before the relabelling would quietly bring the
other rule back into training, so the log is checked against the files."""

import json
from pathlib import Path

import pytest

from fanzha.detect.corpus import load

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ROOT = CORPUS.parent


def _relabels() -> list[dict[str, object]]:
    rows = []
    for log in sorted((CORPUS / "relabels").glob("*.jsonl")):
        rows += [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def test_every_logged_relabel_is_in_the_corpus() -> None:
    rows = _relabels()
    assert rows
    lines: dict[str, list[str]] = {}
    for row in rows:
        name = str(row["file"])
        text_lines = lines.setdefault(name, (ROOT / name).read_text(encoding="utf-8").splitlines())
        record = json.loads(text_lines[int(str(row["line"]))])
        assert (record["label"], record["fraud_type"]) == (row["new_label"], row["new_fraud_type"]), row


GROUPS = sorted(p for p in (CORPUS / "calibration").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", [CORPUS, *GROUPS], ids=lambda p: p.name)
def test_fraud_texts_carry_a_type_and_genuine_ones_none(folder: Path) -> None:
    examples = load(folder)
    assert examples
    assert all((e.fraud_type is not None) == e.is_fraud for e in examples)

"""Verdicts saved by ``fanzha detect eval --save-verdicts`` and paired by ``fanzha detect compare``.

A change that alters what the features read (a pattern, a normalisation) cannot be compared by
loading both weight files under one tree's code: the old weights would read the new features.
Each model is run under its own code and saves its verdicts; compare pairs the two files. A file
holds a digest of each text, never the text, so a held-out round's file says nothing of its texts.
"""

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from fanzha.core.errors import ValidationFailed
from fanzha.detect.corpus import Example

FORMAT = "fanzha-verdicts/1"
SUFFIX = ".json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def save(path: Path, examples: Sequence[Example], flagged: Sequence[bool], infer_registers: bool) -> None:
    body = {
        "format": FORMAT,
        "infer_register": infer_registers,
        "texts": [_digest(e.text) for e in examples],
        "flagged": [bool(f) for f in flagged],
    }
    try:
        path.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed.on("--save-verdicts", f"无法写入 {path}：请确认目录存在且可写") from exc


def load(path: Path, examples: Sequence[Example], infer_registers: bool, field: str) -> list[bool]:
    """The saved verdicts, in the examples' order; refused unless they were made on these very
    texts, in this order, with the registers read the same way."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed.on(field, f"{path} 不是 detect eval --save-verdicts 保存的判定文件") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValidationFailed.on(field, f"{path} 不是 detect eval --save-verdicts 保存的判定文件")
    if body.get("texts") != [_digest(e.text) for e in examples] or len(body.get("flagged", [])) != len(
        examples
    ):
        raise ValidationFailed.on(
            field, f"{path} 不是在这份 --data 上保存的：请用同一份数据重新运行 detect eval"
        )
    if body.get("infer_register") != infer_registers:
        how = "加" if body.get("infer_register") else "不加"
        raise ValidationFailed.on(field, f"{path} 保存时{how} --infer-register：比较时请与保存时一致")
    return [bool(f) for f in body["flagged"]]

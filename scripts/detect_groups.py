"""How well the recipe ranks writer groups it never saw: recall per register at set false-positive rates.

Each threshold is read off the scored texts' own logits (1%, 2%, 3% and 5% false positives). Aggregates only:
no text is printed. Two ways to leave groups out:
- one group (``detect_groups.py reg5``): fitted on the shipped recipe plus every group in corpus/calibration
  except that one (and any named with --without); prints that group's figures;
- every group (``detect_groups.py --folds 8``): the groups pooled into that many folds as ``fanzha detect
  train --folds`` pools them (``training.pool_folds``; the shipped recipe leaves one group out at a time, this
  about four), each fold scored by a fraud head fitted on the recipe and the other folds; prints the figures
  over all groups at once. This is how a training change is chosen before a held-out round judges it: the
  groups' tens of thousands of texts tell two recipes apart where one round's 1,124 cannot
  (docs/detection.md).

``--ngrams 1,4`` and ``--columns 20`` try other n-gram settings (lengths; 2^N hash columns) in that mode: the
n-gram columns then come from scikit-learn's vectorizer, which the batch hashing matches at the shipped
settings (and which, unlike it, reads n-grams longer than three characters). ``--named-value 2`` gives the
named features (rules, entities, script elements and their pairs) that value instead of
``features.EXTRA_VALUE``: under the same penalty, a larger value lets them carry more of the decision.
``--train-only indep24 …`` puts those groups into every fit and scores none of them: the other groups are
pooled into the same folds as without them, so the run pairs with one that never had them (``--against``)
and says whether more writers lift the recall on writers the model never saw. ``--cross-source`` also scores
the public sets with the fit on every group at the 2% threshold over all groups, as the recipe sets its global
threshold: TF5's recall and false positives and the 80w ads' false positives (all, the audited ads and the
dev split), which the writer groups cannot show (needs ../shared/datasets; raw logits, so a verdict the
detector would withhold for want of a reason still counts here).

With ``--save FILE.npz`` the out-of-fold logits are kept; ``--against FILE.npz`` (another run's, on the same
groups) pairs the two at 2% false positives in each register and over all: fraud caught by one run only, with
an exact McNemar p.

Usage: FANZHA_DATASETS=../shared/datasets .venv/bin/python scripts/detect_groups.py reg5 [--without reg6]
       [--only-corpus]
       FANZHA_DATASETS=../shared/datasets .venv/bin/python scripts/detect_groups.py --folds 8 [--ngrams 1,4]
       [--columns 20] [--named-value 2] [--train-only GROUP …] [--cross-source] [--save A.npz]
       [--against B.npz]
"""

import argparse
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import detect_sources
from detect_sources import ROOT, shipped_recipe

from fanzha.detect import features
from fanzha.detect.corpus import Example, load
from fanzha.detect.hashing import Hashing
from fanzha.detect.model import fit_fraud_head, threshold_for_fpr
from fanzha.detect.registers import REGISTERS
from fanzha.detect.reputation import official
from fanzha.detect.training import fit_weighted, mcnemar_p, out_of_fold_logits, pool_folds

if TYPE_CHECKING:
    from scipy import sparse

RATES = (0.01, 0.02, 0.03, 0.05)
PAIRED_AT = 0.02
ALL = "all"


def _rows(scored: Sequence[Example]) -> Iterator[tuple[str, np.ndarray]]:
    """Each register's rows, then all rows (one threshold over every register)."""
    registers = np.array([e.register or "" for e in scored])
    for register in REGISTERS:
        yield register, registers == register
    yield ALL, np.ones(len(scored), dtype=bool)


def _print_recalls(title: str, scored: Sequence[Example], logits: np.ndarray) -> None:
    fraud = np.array([e.is_fraud for e in scored])
    print(f"{title}: recall at " + " / ".join(f"{r:.0%}" for r in RATES) + " false positives")
    for register, mine in _rows(scored):
        if mine.any():
            cuts = [threshold_for_fpr(logits[mine], fraud[mine], r) for r in RATES]
            recalls = [(logits[mine & fraud] >= cut).mean() for cut in cuts]
            counts = f"({fraud[mine].sum()} / {(~fraud[mine]).sum()})"
            print(f"  {register:7s} {counts:15s} " + " / ".join(f"{x:.3f}" for x in recalls))


def _left_out(name: str, groups: dict[str, list[Example]], without: list[str], only_corpus: bool) -> None:
    examples, about = shipped_recipe()
    skip = {name, *without}
    trained = [] if only_corpus else [e for n, g in groups.items() if n not in skip for e in g]
    started = time.perf_counter()
    rep = official()
    model = fit_weighted([*examples, *trained], [1.0] * (len(examples) + len(trained)), about, rep)
    scored = groups[name]
    logits = model.fraud_logits(features.matrix([features.analyse(e.text, rep) for e in scored], rep))
    print(f"fitted on {len(examples) + len(trained)} texts in {time.perf_counter() - started:.0f}s")
    _print_recalls(name, scored, logits)


def _caught(logits: np.ndarray, fraud: np.ndarray) -> np.ndarray:
    return fraud & (logits >= threshold_for_fpr(logits, fraud, PAIRED_AT))


def _print_paired(scored: Sequence[Example], logits: np.ndarray, other: Path, theirs: np.ndarray) -> None:
    fraud = np.array([e.is_fraud for e in scored])
    print(f"paired at {PAIRED_AT:.0%} false positives: fraud caught only by this run / only by {other.name}")
    for register, mine in _rows(scored):
        this = _caught(logits[mine], fraud[mine])
        that = _caught(theirs[mine], fraud[mine])
        first, second = int((this & ~that).sum()), int((that & ~this).sum())
        print(f"  {register:7s} {first} / {second}, p = {mcnemar_p(first, second):.3f}")


def _saved_logits(path: Path, scored: Sequence[Example]) -> np.ndarray:
    """Another run's logits, refused before any fitting unless they are of these texts in this order."""
    fraud = np.array([e.is_fraud for e in scored])
    registers = np.array([e.register or "" for e in scored])
    with np.load(path) as saved:
        if not np.array_equal(saved["labels"], fraud) or not np.array_equal(saved["registers"], registers):
            raise SystemExit(
                f"{path} holds other texts or another order: save both runs from the same groups"
            )
        logits: np.ndarray = saved["logits"]
    return logits


def _columns(
    examples: Sequence[Example], hashing: Hashing, named_value: float
) -> tuple["sparse.csr_matrix", np.ndarray]:
    """The feature rows with the n-gram part hashed by ``hashing`` and the named features at ``named_value``,
    and where the columns whose weight may only raise the risk now sit (after the n-grams, as in
    ``features.matrix``)."""
    from scipy import sparse

    rep = official()
    analyses = [features.analyse(e.text, rep) for e in examples]
    shipped = features.matrix(analyses, rep)
    named = shipped[:, features.N_HASH :] * (named_value / features.EXTRA_VALUE)
    if hashing == features.HASHING:
        grams = shipped[:, : features.N_HASH]
    else:
        grams = hashing.vectorizer().transform([a.grams for a in analyses]) * features.GRAM_SCALE
    shift = hashing.n_features - features.N_HASH
    return sparse.hstack([grams, named]).tocsr(), features.NONNEGATIVE + shift


def _print_cross_source(
    sets: Mapping[str, list[Example]],
    fit: tuple[np.ndarray, float],
    hashing: Hashing,
    named_value: float,
    cut: float,
) -> None:
    print(f"cross-source, the fit on every group at the {PAIRED_AT:.0%} threshold of all groups ({cut:.3f})")
    width = max(map(len, sets))
    for name, examples in sets.items():
        x, _ = _columns(examples, hashing, named_value)
        flagged = np.asarray(x @ fit[0]).ravel() + fit[1] >= cut
        fraud = np.array([e.is_fraud for e in examples])
        recall = f"recall {flagged[fraud].mean():.3f} · " if fraud.any() else ""
        print(
            f"  {name:{width}s} {recall}FPR {flagged[~fraud].mean():.3f} ({fraud.sum()} / {(~fraud).sum()})"
        )


def _pooled(groups: dict[str, list[Example]], args: argparse.Namespace) -> None:
    examples, _ = shipped_recipe()
    examples += [e for name in dict.fromkeys(args.train_only) for e in groups.pop(name)]
    pooled = pool_folds(list(groups.values()), args.folds)
    held = [e for fold in pooled for e in fold]
    theirs = _saved_logits(args.against, held) if args.against else None
    everything = [*examples, *held]
    started = time.perf_counter()
    hashing = replace(features.HASHING, n_features=2**args.columns, ngram_range=args.ngrams)
    x, nonnegative = _columns(everything, hashing, args.named_value)
    fraud = np.array([e.is_fraud for e in everything])
    weights = np.ones(len(everything))
    start = fit_fraud_head(x, fraud, weights, nonnegative)
    print(f"full fit at {time.perf_counter() - started:.0f}s", flush=True)
    bounds = np.cumsum([len(examples), *map(len, pooled)])
    logits = out_of_fold_logits(
        x,
        fraud,
        weights,
        [slice(a, b) for a, b in pairwise(bounds)],
        start,
        lambda done: print(f"fold {done}/{len(pooled)} at {time.perf_counter() - started:.0f}s", flush=True),
        nonnegative,
    )
    _print_recalls(f"{len(groups)} groups in {len(pooled)} folds", held, logits)
    if args.save is not None:
        registers = np.array([e.register or "" for e in held])
        np.savez(args.save, logits=logits, labels=np.array([e.is_fraud for e in held]), registers=registers)
    if theirs is not None:
        _print_paired(held, logits, args.against, theirs)
    if args.cross_source:
        fraud = np.array([e.is_fraud for e in held])
        cut = threshold_for_fpr(logits, fraud, PAIRED_AT)
        _print_cross_source(
            {name: detect_sources.CROSS_SOURCE[name]() for name in detect_sources.ADVERTISING},
            start,
            hashing,
            args.named_value,
            cut,
        )


def _ngrams(value: str) -> tuple[int, int]:
    low, _, high = value.partition(",")
    if not (low.isdigit() and high.isdigit() and 1 <= int(low) <= int(high) <= 6):
        raise argparse.ArgumentTypeError("give the shortest and longest length, e.g. 1,4 (1 to 6)")
    return int(low), int(high)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace, groups: Mapping[str, object]) -> None:
    if (args.left_out is None) == (args.folds is None):
        parser.error("name one group to leave out, or give --folds to score them all")
    if args.folds is None:
        if args.left_out not in groups:
            parser.error(f"no group {args.left_out} in corpus/calibration")
        if any(
            [
                args.ngrams,
                args.columns,
                args.named_value,
                args.train_only,
                args.cross_source,
                args.save,
                args.against,
            ]
        ):
            parser.error(
                "--ngrams, --columns, --named-value, --train-only, --cross-source, --save and --against"
                " go with --folds"
            )
        return
    if args.without or args.only_corpus:
        parser.error("--without and --only-corpus go with one group left out, not with --folds")
    if args.folds < 2:
        parser.error("--folds needs at least 2")
    if args.columns is not None and not 10 <= args.columns <= 24:
        parser.error("--columns is a power of two from 10 to 24")
    unknown = sorted(set(args.train_only) - set(groups))
    if unknown:
        parser.error(f"--train-only: no group {', '.join(unknown)} in corpus/calibration")
    if len(groups) - len(set(args.train_only)) < args.folds:
        parser.error("--train-only leaves fewer groups to score than --folds")
    if args.named_value is not None and not 0 < args.named_value <= 100:
        parser.error("--named-value must be above 0 and at most 100")
    if args.cross_source and not detect_sources.SHARED.is_dir():
        parser.error(f"--cross-source needs the public data sets: no folder {detect_sources.SHARED}")
    if args.save is not None and args.save.suffix != ".npz":
        parser.error("--save needs a file name ending in .npz")
    if args.against is not None and not args.against.is_file():
        parser.error(f"--against: no file {args.against}")
    if args.save is not None and args.save == args.against:
        parser.error("--save would overwrite the --against file before pairing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left_out", nargs="?", help="the group (folder in corpus/calibration) to score")
    parser.add_argument("--without", nargs="*", default=[], help="groups left out of training as well")
    parser.add_argument("--only-corpus", action="store_true", help="train on no group at all")
    parser.add_argument("--folds", type=int, help="score all groups out of fold, in this many folds")
    parser.add_argument("--ngrams", type=_ngrams, help="with --folds: n-gram lengths (default 1,3)")
    parser.add_argument(
        "--columns", type=int, help="with --folds: 2^N hash columns (default: the shipped setting)"
    )
    parser.add_argument(
        "--named-value", type=float, help="with --folds: the named features' value (default: the shipped one)"
    )
    parser.add_argument(
        "--train-only", nargs="+", default=[], help="with --folds: groups in every fit, never scored"
    )
    parser.add_argument(
        "--cross-source", action="store_true", help="with --folds: also score TF5 and the 80w ads (public)"
    )
    parser.add_argument("--save", type=Path, help="with --folds: keep the out-of-fold logits in this .npz")
    parser.add_argument("--against", type=Path, help="with --folds: pair with another run's --save file")
    args = parser.parse_args()
    folders = sorted(d for d in (ROOT / "corpus" / "calibration").iterdir() if d.is_dir())
    groups = {d.name: load(d) for d in folders}
    _check(parser, args, groups)
    if args.folds is not None:
        args.ngrams = args.ngrams or features.HASHING.ngram_range
        args.columns = args.columns or features.HASHING.n_features.bit_length() - 1
        args.named_value = args.named_value or features.EXTRA_VALUE
        _pooled(groups, args)
    else:
        _left_out(args.left_out, groups, args.without, args.only_corpus)


if __name__ == "__main__":
    main()

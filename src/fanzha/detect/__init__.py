"""Fraud detection: explainable classification of messages, dialogues and case texts.

``from fanzha.detect import Detector; Detector.default().classify(["..."])``
Nothing is fetched at run time: the shipped model is numbers in ``data/model.npz``.
The detector (numpy, scipy, scikit-learn) is imported on first use, so that reading the
capability registry (``fanzha --help``) stays fast.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fanzha.detect.detector import Detector, Reason, Verdict

__all__ = ["Detector", "Reason", "Verdict"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from fanzha.detect import detector

        return getattr(detector, name)
    raise AttributeError(f"module 'fanzha.detect' has no attribute {name!r}")

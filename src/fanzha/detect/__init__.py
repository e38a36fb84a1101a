"""Fraud detection: explainable classification of messages, dialogues and case texts.

``from fanzha.detect import Detector; Detector.default().classify(["..."])``
Nothing is fetched at run time: the shipped model is numbers in ``data/model.npz``.
"""

from fanzha.detect.detector import Detector, Reason, Verdict

__all__ = ["Detector", "Reason", "Verdict"]

"""The starter question bank shipped with the package: 204 questions written for this project,
covering the 12 fraud types and the 六个一律 / 十个凡是, loaded by the demo and `fanzha exams import`."""

from pathlib import Path

STARTER_BANK = Path(__file__).parent / "data" / "questions.csv"

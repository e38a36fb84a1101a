"""Bulletins (通报): cases, losses, warnings, dissuasion and frozen funds per jurisdiction and period.

Figures are defined once (docs/bulletins.md) and computed once (``figures``) from the
aggregate queries each capability owns in its ``stats`` module; the JSON, the console page,
the PDF and the spreadsheets all show that one result.
"""

"""Alembic migrations, shipped inside the package so ``fanzha db upgrade`` works anywhere.

Each capability has its own branch (``branch_labels``) that ``depends_on`` what it
needs, so capabilities add migrations without fighting over one linear history;
``upgrade heads`` applies them all.
"""

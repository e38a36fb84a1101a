"""Cases (案件): registered frauds with losses, suspects' identifiers and status."""

"""Console pages of clues: the clue queue and a clue's page (``clues``), the series list, a
series' graph and the case page's 所属串并案 panel (``series``). Thin adapters over the services."""

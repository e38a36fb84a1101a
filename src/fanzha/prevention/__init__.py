"""Targeted prevention (精准宣防): targets, aiming, campaigns, volunteers, groups and pushes, coverage."""

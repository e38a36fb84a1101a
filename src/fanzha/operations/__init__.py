"""Crackdown operations: target packages from case series, joint operations (收网) and their figures."""

"""Analyst marts: their specs, the k-threshold (P1), label vocabulary, and their checks."""

"""Drafting, checking and delivering releases; the ledger of what left."""

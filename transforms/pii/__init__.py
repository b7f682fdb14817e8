"""PII detection for free text and for everything that leaves (promise P2): an offline Presidio
analyzer with Korean coverage, a deny-list of the members' own identifiers, a fast scanner."""

"""Person-level rules: eligibility (P3), erasure (P4), pseudonyms (P7), generalization."""

"""Raw files to contract rows: scoping, validation, reconciliation."""

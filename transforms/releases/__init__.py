"""Partner and research releases: queries, plans, noise, budget (P5), manifest (P6)."""

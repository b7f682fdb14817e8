"""Building, verifying and publishing the analyst marts."""

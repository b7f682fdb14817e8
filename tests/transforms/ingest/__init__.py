"""tests.transforms.ingest."""

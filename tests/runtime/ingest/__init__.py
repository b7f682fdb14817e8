"""tests.runtime.ingest."""

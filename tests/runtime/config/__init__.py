"""tests.runtime.config."""

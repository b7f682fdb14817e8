"""tests.runtime.releases."""

"""tests.runtime.engine."""

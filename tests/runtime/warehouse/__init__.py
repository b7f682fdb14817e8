"""tests.runtime.warehouse."""

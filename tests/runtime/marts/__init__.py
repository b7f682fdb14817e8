"""tests.runtime.marts."""

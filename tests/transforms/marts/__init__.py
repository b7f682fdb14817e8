"""tests.transforms.marts."""

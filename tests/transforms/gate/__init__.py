"""tests.transforms.gate."""

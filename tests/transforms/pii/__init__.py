"""tests.transforms.pii."""

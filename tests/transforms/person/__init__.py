"""tests.transforms.person."""

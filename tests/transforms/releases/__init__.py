"""tests.transforms.releases."""

"""policy.yaml and releases.yaml: one loader, strict models, clear errors."""

"""The person-level warehouse: keys, deny-list, cookie links, scrubbing, erasure."""

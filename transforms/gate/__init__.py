"""What may leave (P2): the egress gate and the identifier predicates."""

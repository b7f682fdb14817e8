"""Benchmarks: figures printed, never asserted as timings (`python -m bench scale --size small`)."""

"""Dagster wiring for veil: assets, checks, resources, jobs, schedules and sensors."""

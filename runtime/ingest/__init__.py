"""Raw sources, the tolerant CSV reader, quarantine and the per-table load."""

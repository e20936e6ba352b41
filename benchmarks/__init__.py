"""Development benchmarks for the sentence aligner (not part of the installed package)."""

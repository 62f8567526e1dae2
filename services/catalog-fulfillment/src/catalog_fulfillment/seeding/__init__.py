"""Demo data and the benchmark generator behind scripts/seed.py."""

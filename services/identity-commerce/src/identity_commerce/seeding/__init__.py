"""Demo data behind scripts/seed.py."""

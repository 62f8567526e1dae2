"""Identity & Commerce service."""

"""Catalog & Fulfillment service."""

"""Cross-cutting platform code shared by the shop services.

Only code that at least two services need lives here; domain models never do.
"""

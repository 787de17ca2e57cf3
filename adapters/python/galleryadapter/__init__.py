"""A Gallery adapter in Python: JSON lines in, JSON lines out (see adapters/python/README.md)."""

"""Forms over the finance domain (module 03)."""

"""Formation des coordinateurs de CPTS."""

__version__ = "0.1.0"
"""Version of the package: the one source of truth, read by the build (``pyproject.toml``)."""

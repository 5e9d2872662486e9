"""Formation des coordinateurs de CPTS."""

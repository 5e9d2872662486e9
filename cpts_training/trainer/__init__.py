"""Trainer tooling: cohort workspace, nbgrader pipeline, feedback and grades."""

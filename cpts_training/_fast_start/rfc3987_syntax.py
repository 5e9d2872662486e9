"""Stands in for the optional package ``rfc3987_syntax`` in the Jupyter and nbgrader
processes the course starts (see :func:`cpts_training.jupyter_env.with_fast_start`).

``jsonschema`` imports ``rfc3987_syntax``, when it is installed, to check the « iri »
string format; the package builds its grammar at import, which takes about 3 seconds at
the start of every nbgrader step, server and kernel that loads ``nbformat``. Neither the
notebook format nor nbgrader's files use that format: raising ImportError here makes
``jsonschema`` skip it, as it does when the package is absent.
"""

raise ImportError("rfc3987_syntax is left out of the course's Jupyter processes")

"""ipywidgets forms over the library, for trainees who do not program.

Widgets hold no logic of their own: they call the domain modules and the
self-checks and display what these return.
"""

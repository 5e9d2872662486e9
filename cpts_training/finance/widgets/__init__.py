"""Forms of the finance module (ipywidgets): « Ma CPTS » and the ratio dashboard."""

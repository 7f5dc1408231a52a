"""shortlinks: compile links.yaml into a static short-link site."""

__version__ = "0.1.0"

"""``python -m generator`` runs the same CLI as ``shortlinks``."""

from .cli import run

if __name__ == "__main__":
    run()

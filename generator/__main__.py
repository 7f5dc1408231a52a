"""``python -m generator`` runs the same CLI as ``shortlinks``."""

from .cli import main

if __name__ == "__main__":
    main()

"""``python -m generator`` runs the same CLI as ``shortlinks``."""

import gc


def main() -> None:
    """The program (``shortlinks`` too): its modules imported with the collector off
    (importing makes tens of thousands of objects and no garbage: 8 ms of a start)."""
    gc.disable()
    try:
        from .cli import run
    finally:
        gc.enable()
    run()


if __name__ == "__main__":
    main()

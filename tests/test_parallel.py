"""Work shared with forked workers (generator/parallel.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import parallel


@pytest.mark.skipif(not parallel.forks(), reason="no fork on this platform")
def test_a_dispenser_hands_each_item_to_exactly_one_process(tmp_path: Path) -> None:
    """Processes take chunks until none is left: together they get every item once,
    each chunk whole and in order, whoever asks first."""
    items = list(range(103))
    dispenser = parallel.Dispenser(items, chunk=7)
    children = []
    for n in range(3):
        pid = os.fork()
        if pid == 0:  # the child: what it took, one item a line
            code = 1
            try:
                taken = list(dispenser.take())
                (tmp_path / str(n)).write_text("".join(f"{i}\n" for i in taken))
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    mine = list(dispenser.take())
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in children)
    taken = [mine] + [[int(x) for x in (tmp_path / str(n)).read_text().split()] for n in range(3)]
    together = sorted(i for share in taken for i in share)
    assert together == items
    for share in taken:  # whole chunks: each starts at a multiple of 7 and runs on
        for i, item in enumerate(share):
            assert i == 0 or item == share[i - 1] + 1 or item % 7 == 0


def test_a_dispenser_without_workers_gives_everything_in_order() -> None:
    dispenser = parallel.Dispenser(list("abcdefg"), chunk=3)
    assert list(dispenser.take()) == list("abcdefg")
    assert list(dispenser.take()) == []  # all taken

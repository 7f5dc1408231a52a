"""Work shared with forked workers (generator/parallel.py)."""

from __future__ import annotations

import os
import signal
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


class Point:
    def __init__(self, x: int) -> None:
        self.x = x


def test_a_child_answers_what_it_made_through_its_table() -> None:
    made: list[str] = []
    table = {Point: lambda p: (Point, (p.x * 10,))}  # the table is the child's way of sending
    with parallel.Child(lambda: (os.getpid(), [Point(1), Point(2)], made.append("x")), table) as c:
        answer = c.answer()
    assert answer is not None
    pid, points, _ = answer
    assert pid != os.getpid() and [p.x for p in points] == [10, 20]
    assert made == []  # it ran there, not here


def test_a_child_that_raises_or_dies_has_no_answer() -> None:
    def raises() -> int:
        raise ValueError("no")

    def dies() -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return 1

    for make in (raises, dies):
        with parallel.Child(make) as child:
            assert child.answer() is None


def test_a_child_still_at_work_is_ended_when_left() -> None:
    read, write = os.pipe()  # the child waits on it for ever: nothing is ever written
    try:
        with parallel.Child(lambda: os.read(read, 1)) as child:
            pid = child.pid
            assert pid is not None
        assert child.pid is None and child.file is None
        with pytest.raises(ChildProcessError):  # killed and waited for: no zombie left
            os.waitpid(pid, os.WNOHANG)
    finally:
        os.close(read)
        os.close(write)

"""Work shared with forked worker processes: how many, who does what, how far they are.

A build renders and writes its pages on every core: this process and each worker take
the links' pages a chunk at a time until none is left (this one then makes the site's own
pages; the workers that make the site's other files make them first). The workers are
forked, so that they inherit the plan, the templates and everything made from them
without any of it being copied or pickled; where fork does not exist, one process does it
all. A big links file is checked on two cores the same way (``Child``: halves.py). Nothing
here knows what the work is: build.py says what to render, write.py how to write it,
halves.py what to check.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

PARALLEL_FROM = 5000  # links below which one process is quicker than starting others
# Items a process takes from a ``Dispenser`` at a time: a thousand pages are a few
# milliseconds of work, so the processes end within that of each other, and the shared
# counter is locked a hundred times at 100,000 links.
CHUNK = 1000


def forks() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def workers(items: int, asked: int | None) -> int:
    """How many processes share ``items`` (links, say): ``asked`` (the build's
    --workers), else ``$SHORTLINKS_WORKERS``, else one a core from ``PARALLEL_FROM``
    items on; a thousand items each at least; one where processes cannot be forked."""
    if asked is None and os.environ.get("SHORTLINKS_WORKERS", "").isdigit():
        asked = int(os.environ["SHORTLINKS_WORKERS"])
    if asked is None:
        asked = (os.cpu_count() or 1) if items >= PARALLEL_FROM else 1
    if not forks():
        return 1  # the workers inherit the plan by fork; elsewhere, one process
    return max(1, min(asked, items // 1000 or 1))


class Dispenser(Generic[T]):
    """``items`` handed out a chunk at a time to whichever process asks next (this one
    and its forked workers: the count is in shared memory), so that every process keeps
    taking pages until none is left. A fixed share each would have the processes that
    also make other files (the previews' data, links.json, the hosts' rule files: each
    in a worker of its own) end last while the others wait; work differs from one
    process to the next, and so does what else the machine is doing."""

    def __init__(self, items: Sequence[T], chunk: int = CHUNK) -> None:
        self.items = items
        self.chunk = chunk
        self.taken = multiprocessing.get_context("fork").Value("q", 0) if forks() else None

    def take(self) -> Iterator[T]:
        """The items of each chunk this process takes, until none is left."""
        items, chunk, taken = self.items, self.chunk, self.taken
        if taken is None:  # no fork: this process is the only one
            yield from items
            return
        while True:
            with taken.get_lock():
                start = taken.value * chunk
                taken.value += 1
            if start >= len(items):
                return
            yield from items[start : start + chunk]


class Progress:
    """Items done here and, through shared memory, in the forked workers: ``show(done,
    total)`` is told of them (a progress bar), from this process only."""

    def __init__(self, total: int, show: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.show = show
        self.mine = 0
        self.shared = multiprocessing.get_context("fork").Value("q", 0) if forks() else None
        self.pending = 0
        self.untold = 0  # done here since last told

    def step(self, n: int) -> None:
        """In this process: ``n`` more done, told in batches (the workers' count is behind a
        lock, and a bar asks whether it is on a terminal); ``tell`` says the rest."""
        self.mine += n
        self.untold += n
        if self.untold >= 256:
            self.untold = 0
            self.tell()

    def tell(self) -> None:
        """Show how far all the processes are."""
        if self.show is not None:
            theirs = self.shared.value if self.shared is not None else 0
            self.show(self.mine + theirs, self.total)

    def add(self, n: int) -> None:
        """In a worker: ``n`` more done, told in batches (the lock is not free)."""
        self.pending += n
        if self.pending >= 256:
            self.flush()

    def flush(self) -> None:
        """In a worker: tell what is left to tell (when its share is done)."""
        if self.shared is not None and self.pending:
            with self.shared.get_lock():
                self.shared.value += self.pending
        self.pending = 0


# In a worker only: the work given to the pool, set by its initializer. The work is
# closures over the plan, which cannot be pickled; a forked worker inherits them (its
# initializer's arguments are not pickled under fork), and a task names one by its index.
_WORK: Sequence[Callable[[], Any]] = ()


def _start(work: Sequence[Callable[[], Any]], setup: Callable[[], None] | None) -> None:
    global _WORK
    if setup is not None:
        setup()
    _WORK = work


def _run(i: int) -> Any:
    return _WORK[i]()


def side_by_side(
    here: Callable[[], T],
    there: Sequence[Callable[[], U]],
    waiting: Callable[[], None] | None = None,
    setup: Callable[[], None] | None = None,
) -> tuple[T, list[U]]:
    """``here()`` in this process while each of ``there`` runs in a forked worker; what
    each returned (the workers' results are pickled back). ``waiting`` is called now and
    then until the last worker is done; ``setup`` first thing in each worker. A worker's
    exception is raised here; a worker killed raises ``BrokenProcessPool``."""
    if not there:
        return here(), []
    # (imported here: multiprocessing's machinery, which ``check`` never starts)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork")
    # what exists now (the plan, the model) is left out of the collector's passes, here
    # and in the workers: a pass would write to every object's header, and so copy each
    # page of memory the workers share with this process, in every worker
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            len(there), mp_context=context, initializer=_start, initargs=(tuple(there), setup)
        ) as pool:
            futures = [pool.submit(_run, i) for i in range(len(there))]
            mine = here()
            pending = set(futures)
            while pending:
                _done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if waiting is not None:
                    waiting()
            return mine, [future.result() for future in futures]
    finally:
        gc.unfreeze()


def all_true(checks: Sequence[Callable[[], bool]], setup: Callable[[], None] | None = None) -> bool:
    """Whether every one of ``checks`` is true: the first run here, each other in a
    forked child (its verdict its exit status; ``setup`` first thing in it). No child to
    spare: this process runs the rest."""
    children = []
    left: Sequence[Callable[[], bool]] = ()
    for i, check in enumerate(checks[1:], 1):
        try:
            pid = os.fork()
        except OSError:  # no process to spare: this one runs the rest too
            left = checks[i:]
            break
        if pid == 0:  # the child: its check, its verdict as the exit status, nothing else
            ok = False
            try:
                if setup is not None:
                    setup()
                ok = check()
            finally:
                os._exit(0 if ok else 1)
        children.append(pid)
    ok = checks[0]() if checks else True
    for check in left:
        ok = ok and check()
    for pid in children:
        ok = os.waitpid(pid, 0)[1] == 0 and ok
    return ok


class Child(Generic[T]):
    """``make()`` run in a forked child beside this process, what it returns pickled back
    through a file that has no name (none is ever left behind; ``table``: pickle's
    ``dispatch_table`` for it). ``answer()``: that value, once the child has ended; None
    if it raised, was killed, or no file or process could be had (the caller then does the
    work itself). Leaving the ``with`` block ends the child, killed if still at work."""

    def __init__(self, make: Callable[[], T], table: dict[type, Any] | None = None) -> None:
        self.file: IO[bytes] | None = None
        self.pid: int | None = None
        try:
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
            self.pid = os.fork()
        except OSError:  # no temporary file or process to spare: no answer
            return
        if self.pid == 0:
            self._run(make, table)

    def _run(self, make: Callable[[], T], table: dict[type, Any] | None) -> None:
        """In the child: ``make()`` and its value sent; it never returns."""
        code = 1
        try:
            value = make()
            assert self.file is not None  # made before the fork
            pickler = pickle.Pickler(self.file, pickle.HIGHEST_PROTOCOL)
            if table is not None:
                pickler.dispatch_table = table  # type: ignore[assignment]
            pickler.dump(value)
            self.file.flush()
            code = 0
        finally:
            os._exit(code)  # nothing of the parent's runs here: no atexit, no flush

    def answer(self) -> T | None:
        """What ``make()`` returned, once the child has ended; None if it failed."""
        if self.pid is None or self.file is None:
            return None
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0:
            return None
        self.file.seek(0)
        return pickle.load(self.file)  # type: ignore[no-any-return]

    def stop(self) -> None:
        """The child ended (killed if still at work) and its file gone."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.file is not None:
            self.file.close()
            self.file = None

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

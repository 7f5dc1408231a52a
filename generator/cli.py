"""The ``shortlinks`` command: parse arguments, call one function, print, pick the exit code.

Exit codes: 0 fine, 1 the links file (or the output folder) has a problem,
2 the command line itself is wrong (click's own convention).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__, domains, lock
from . import qr as qrcodes
from .atomic import replace_file
from .build import BuildResult, build, check
from .commands import listing
from .hosts import HOSTS
from .model import Domain, LinkSet
from .problems import Format, Problem, format_github, format_json, format_text, summary
from .times import FIRST_YEAR, LAST_YEAR, describe, parse_now, zone

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES_BUILD = """
\b
Examples:
  shortlinks build                      # links.yaml -> _site/
  shortlinks build links.yaml -o public
  shortlinks build --now 2026-12-01T00:00:00+08:00   # reproducible build
"""

EXAMPLES_CHECK = """
\b
Examples:
  shortlinks check
  shortlinks check links.yaml --format github   # annotations in GitHub Actions
  shortlinks check --format json | jq .
"""


# Long work shows a progress bar, on a terminal only (never in logs or CI output), and only
# past this many items: a small build is done before a bar could say anything.
PROGRESS_FROM = 10_000


class Progress:
    """A progress bar on standard error when it is a terminal; otherwise nothing at all."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _linkset_or_exit(file: Path, then: str | None = None) -> LinkSet:
    """The checked links of ``file``; its problems printed and exit 1 when it has errors."""
    checked = check(file)
    if not checked.ok or checked.linkset is None:
        _print_problems(checked.problems, _default_format(), err=True)
        if then:
            click.echo(then, err=True)
        sys.exit(1)
    return checked.linkset


def _default_format() -> Format:
    # Under GitHub Actions the annotations land on the PR's lines by themselves.
    return Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _print_problems(problems: list[Problem], fmt: Format, err: bool) -> None:
    stream = sys.stderr if err else sys.stdout
    if fmt is Format.json:
        click.echo(format_json(problems), err=err)
        return
    color = _use_color(stream)
    for p in problems:
        click.echo(
            format_github(p) if fmt is Format.github else format_text(p, color=color), err=err
        )
    if problems and fmt is Format.text:
        click.echo(summary(problems), err=err)


class _Now(click.ParamType):
    """``--now`` of every command that takes it, read the same way everywhere: an ISO 8601
    date-time (with an offset or 'Z'; without one it is UTC) or a date (its midnight, UTC).
    Anything else is a command-line error (exit 2), never a traceback."""

    name = "ISO-DATETIME"

    def convert(self, value: object, param: object, ctx: object) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            when = parse_now(str(value))
        except ValueError:
            self.fail(
                f"{str(value)!r} is not an ISO 8601 date-time; write it like "
                "2026-12-01T09:00:00+08:00, 2026-12-01T01:00:00Z or 2026-12-01"
            )
        if not FIRST_YEAR <= when.year <= LAST_YEAR:
            self.fail(f"{str(value)!r} is out of range: give a year {FIRST_YEAR} to {LAST_YEAR}")
        return when


class _Duration(click.ParamType):
    """A length of time: a number and h, d or w (12h, 7d, 2w); a bare number is days."""

    name = "DURATION"

    def convert(self, value: object, param: object, ctx: object) -> timedelta:
        if isinstance(value, timedelta):
            return value
        m = re.fullmatch(r"(\d{1,5})\s*([hdw]?)", str(value).strip().lower())
        if not m:
            self.fail(f"{str(value)!r} is not a length of time; write it like 7d, 48h or 2w")
        hours = {"h": 1, "d": 24, "": 24, "w": 24 * 7}[m.group(2)]
        return timedelta(hours=int(m.group(1)) * hours)


def _now_option(help_text: str, hidden: bool = False) -> Callable[[F], F]:
    """``--now``, one type for every command; absent, the commands take the clock's now."""
    return click.option("--now", type=_Now(), default=None, help=help_text, hidden=hidden)


def _clock(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _known(ctx: click.Context, what: str) -> list[str]:
    """The slugs (``what``: 'slugs') or campaigns of the links file a command line names
    (links.yaml here by default), for shell completion: nothing when it does not load."""
    file = ctx.params.get("file") or Path("links.yaml")
    try:
        checked = check(Path(file))
    except Exception:  # completion must never print a traceback into the shell
        return []
    if checked.linkset is None:
        return []
    if what == "campaigns":
        return [c.name for c in checked.linkset.campaigns]
    return [s for link in checked.linkset.links for s in link.slugs]


def _complete_slug(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [s for s in _known(ctx, "slugs") if s.startswith(incomplete)]


def _complete_campaign(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [s for s in _known(ctx, "campaigns") if s.startswith(incomplete)]


_FILE = click.argument(
    "file", type=click.Path(dir_okay=False, path_type=Path), default="links.yaml", required=False
)


def _not_utf8(value: object) -> str | None:
    """What is wrong with an argument that had bytes that are not UTF-8, or None.

    Python hands such a byte over as a lone surrogate (U+DC80..U+DCFF, "surrogateescape"),
    which no file, page or YAML parser can take: it would end in a traceback deep inside."""
    if isinstance(value, tuple):
        return next((found for v in value if (found := _not_utf8(v)) is not None), None)
    text = str(value) if isinstance(value, (str, Path)) else ""
    if text.isascii():
        return None
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            what = (
                f"the byte 0x{ord(ch) - 0xDC00:02x}"
                if ch >= "\udc80"
                else f"the lone surrogate U+{ord(ch):04X}"
            )
            return f"{what} (character {i + 1}) is not UTF-8; give every argument in UTF-8"
    return None


class _Command(click.Command):
    """A command whose arguments are all text: one with bytes that are not UTF-8 (a title
    typed in a terminal set to another encoding, a file name from elsewhere) is a command
    line error (exit 2), said before anything is read or written."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        for param in self.get_params(ctx):
            wrong = _not_utf8(ctx.params.get(param.name or ""))
            if wrong is not None:
                raise click.BadParameter(wrong, ctx=ctx, param=param)
        return rest


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shortlinks")
def main() -> None:
    """Compile links.yaml into a static short-link site.

    \b
    shortlinks check   validate links.yaml and report every problem
    shortlinks build   write the site (pages + host rules) to _site/
    """


# True in the program itself (``run``), where exiting ends the process; not when ``main``
# is called in a process that goes on (click's CliRunner, in the tests).
_ENDS_PROCESS = False


def run() -> None:
    """The ``shortlinks`` program and ``python -m generator``: ``main``, in a process of
    its own."""
    global _ENDS_PROCESS
    _ENDS_PROCESS = True
    main()


def _exit(code: int) -> NoReturn:
    """End the command with ``code``. In the program, once its output is flushed, the
    process ends at once: what the command made is not freed one object at a time first
    (at 100,000 links, 0.13 s: a tenth of a check). If flushing fails (a closed pipe), it
    exits the usual way, which reports that as always."""
    if _ENDS_PROCESS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


@main.command("check", epilog=EXAMPLES_CHECK)
@_FILE
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=None,
    help="Output format [default: github under GitHub Actions, else text].",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--base", metavar="REF", help="A pull request's base (git ref or file): its "
              "links.lock must only have grown, and no published slug moved silently.")  # fmt: skip
def check_cmd(file: Path, fmt: str | None, strict: bool, base: str | None) -> None:
    """Validate FILE (default: links.yaml) and print every problem at once; with a
    links.lock beside it, also that no published slug points somewhere new; and that what
    a build writes now fits each host it is for (docs/hosts.md, "Limits of a deployment")."""
    base_lock = None
    if base is not None:
        try:
            base_lock = lock.read_base(base, file)
        except lock.BaseError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    result = check(file, base_lock, fits_at=datetime.now(timezone.utc))
    chosen = Format(fmt) if fmt else _default_format()
    _print_problems(result.problems, chosen, err=False)
    failed = not result.ok or (strict and result.problems)
    if chosen is Format.text and not result.problems:
        n = len(result.linkset.links) if result.linkset else 0
        click.echo(f"{file}: {n} link{'s' * (n != 1)}, no problems")
    _exit(1 if failed else 0)


EXAMPLES_LOCK = """
\b
Examples:
  shortlinks lock                 # record new slugs in links.lock
  shortlinks lock --check         # exit 1 when a move (repoint_from) is not recorded
"""


@main.command("lock", epilog=EXAMPLES_LOCK)
@_FILE
@click.option("--check", "verify", is_flag=True,
              help="Write nothing; exit 1 when a move is not recorded yet.")  # fmt: skip
def lock_cmd(file: Path, verify: bool) -> None:
    """Record every slug of FILE in links.lock beside it, with the target it is published
    with (and its device and expired targets, and the site's home). A locked one gets a new
    target only when links.yaml says 'repoint_from:'. New slugs need no line (a pull
    request's check reads what its base branch publishes); a move needs its line."""
    done = lock.relock(file, verify)
    _print_problems(done.problems, _default_format(), err=True)
    if done.error is not None:
        click.echo(f"error: {done.error}", err=True)
        sys.exit(1)
    if done.text is not None:
        replace_file(done.path, done.text)  # never half-written, never through a symlink
    click.echo(done.said)


class _HostChoice(click.Choice):
    """A host to emit rules for; to ``serve``, an address given as ``--host`` (as other
    preview servers take it) is pointed to ``--bind``."""

    def convert(self, value: object, param: object, ctx: click.Context | None) -> object:
        try:
            return super().convert(value, param, ctx)  # type: ignore[arg-type]
        except click.BadParameter as exc:
            if ctx is not None and ctx.info_name == "serve":
                exc.message += f" (the address to listen on is '--bind {value}')"
            raise


def _build_options(command: Callable[..., None]) -> Callable[..., None]:
    """What decides the site a build writes: ``build`` and ``serve`` take the same."""
    for option in reversed([
        _now_option("Build as if it were this instant."),
        click.option(
            "--templates",
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            default=None,
            help="Folder of templates that override the bundled ones, file by file.",
        ),
        click.option(
            "--host",
            "hosts",
            type=_HostChoice(sorted(HOSTS)),
            multiple=True,
            help="Emit rules for this host only (repeatable) [default: all].",
        ),
        click.option("--strict", is_flag=True, help="Refuse to build when there are warnings."),
        click.option(
            "--cache",
            "cache_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Folder for the QR codes made by earlier builds "
            "[default: $SHORTLINKS_CACHE or ~/.cache/shortlinks].",
        ),
        click.option("--no-cache", is_flag=True, help="Make every QR code anew; keep none."),
    ]):  # fmt: skip
        command = option(command)
    return command


def _build_time(now: datetime | None) -> datetime:
    """A build's instant: ``--now``, else the clock to the second."""
    return now or datetime.now(timezone.utc).replace(microsecond=0)


@main.command("build", epilog=EXAMPLES_BUILD)
@_FILE
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default="_site",
    show_default=True,
    help="Folder to write; replaced as a whole, and only if shortlinks created it.",
)
@_build_options
@click.option(
    "--force",
    is_flag=True,
    help="Build and write every file, even when nothing changed since the last build.",
)
def build_cmd(
    file: Path,
    output: Path,
    now: datetime | None,
    templates: Path | None,
    hosts: tuple[str, ...],
    strict: bool,
    cache_dir: Path | None,
    no_cache: bool,
    force: bool,
) -> None:
    """Check FILE (default: links.yaml) and write the site to OUTPUT."""
    with Progress("Building") as bar:
        result = build(
            file,
            output,
            _build_time(now),
            templates,
            hosts or None,
            strict,
            bar.update,
            cache_dir=qrcodes.cache_folder(cache_dir, no_cache),
            force=force,
            blocked=lambda pid: click.echo(
                f"another build is writing {output}{f' (pid {pid})' if pid else ''}; waiting...",
                err=True,
            ),
        )
    _print_problems(result.problems, _default_format(), err=True)
    if result.error:
        click.echo(f"error: {result.error}", err=True)
        sys.exit(1)
    if not result.written and not result.up_to_date:
        click.echo(f"error: {file} has problems; nothing was written", err=True)
        sys.exit(1)
    for folder, part in (
        [(output / name, p) for name, p in result.domains.items()]
        if result.domains
        else [(output, result)]
    ):
        _say_built(file, folder, part)
    for note in result.notes if result.domains else ():  # about the build as a whole
        click.echo(f"note: {note}")
    change = result.next_change
    if change is not None:
        # The build is right until this instant; a scheduler should rebuild then.
        tzname = result.timezone or "UTC"
        click.echo(
            f"Next change: {change.at.astimezone(timezone.utc).isoformat()} "
            f"({describe(change.at, zone(tzname), end=change.what == 'expires')}, "
            f"{change.slug} {change.what}): rebuild then"
        )
    else:
        click.echo("Next change: none scheduled")


def _say_built(file: Path, output: Path, result: BuildResult) -> None:
    """What one site's build did: its files, edge rules and notes."""
    states = result.states
    counts = (
        f"{result.files} files for {sum(states.values())} links "
        f"({states.get('active', 0)} active, {states.get('scheduled', 0)} scheduled, "
        f"{states.get('expired', 0)} expired)"
    )
    if result.up_to_date:
        click.echo(
            f"Up to date: {output}/ has {counts}; {file}, the generator and its templates "
            "are those of the last build and no link has started or ended since "
            "(--force builds anyway)"
        )
    else:
        written, removed = result.changed
        click.echo(f"Built {output}/: {counts}; {written} written, {removed} removed")
    ruled = ", ".join(f"{name} {n}" for name, n in result.rules.items() if name != "github-pages")
    if ruled:
        click.echo(f"Edge rules: {ruled} (every other path is answered by its page)")
    for note in result.notes:
        click.echo(f"note: {note}")


EXAMPLES_DIFF = """
\b
Examples:
  shortlinks diff origin/main HEAD              # what a pull request changes
  shortlinks diff old-links.yaml links.yaml
  shortlinks diff main HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"
"""


@main.command(epilog=EXAMPLES_DIFF)
@click.argument("base")
@click.argument("head", default="links.yaml")
@click.option("--file", "file_", default="links.yaml", show_default=True,
              help="The links file inside the repository, for git refs.")  # fmt: skip
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@_now_option("The instant 'expiring within 7 days' counts from.")
def diff(base: str, head: str, file_: str, fmt: str, now: datetime | None) -> None:
    """Links added, changed, removed and expiring soon, from BASE to HEAD.

    Each of BASE and HEAD is a links file or a git ref (its links file is read from git).
    """
    from .commands import diff as differ

    try:
        before = differ.read_side(base, file_)
        after = differ.read_side(head, file_)
    except differ.SourceError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if after.linkset is None:
        click.echo(f"error: {head} does not load; run 'shortlinks check' for why", err=True)
        sys.exit(1)
    if before.linkset is None and before.problems:
        click.echo(f"note: {base} does not load; every link counts as added", err=True)
    result = differ.compare(before.linkset, after.linkset, _clock(now), after.slugs)
    if fmt == "markdown":
        click.echo(differ.markdown(result, after.linkset, base, head, after.problems), nl=False)
    elif fmt == "json":
        click.echo(differ.as_json(result), nl=False)
    else:
        click.echo(differ.text(result, after.linkset), nl=False)


EXAMPLES_VERIFY = """
\b
Examples:
  shortlinks verify https://go.example.com
  shortlinks verify https://go.example.com links.yaml --concurrency 4 --timeout 5
"""


@main.command(epilog=EXAMPLES_VERIFY)
@click.argument("base_url")
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@_now_option("The instant the links' states are taken at.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 120))
@click.option("--retries", default=2, show_default=True, type=click.IntRange(0, 10))
@click.option("--domain", help="With site.domains: the domain whose links to check "
              "(default: BASE_URL's host if listed, else the default domain).")  # fmt: skip
def verify(
    base_url: str,
    file: Path,
    now: datetime | None,
    concurrency: int,
    timeout: float,
    retries: int,
    domain: str | None,
) -> None:
    """Ask the live site for every link and report each answer that differs from the build.

    Exit 0 when every link answers as built, 1 when any does not (or the file has problems).
    """
    from .commands import verify as verifier
    from .plan import make_plan

    if not base_url.startswith(("http://", "https://")):
        raise click.BadParameter("give the site's address, e.g. https://go.example.com")
    linkset = _linkset_or_exit(file)
    with _domain_option():
        linkset, note = domains.answering(linkset, domain, base_url)
    if note:
        click.echo(f"note: {note}", err=True)
    plan = make_plan(linkset, _clock(now))
    total = len(plan.entries)
    try:
        if sys.stderr.isatty():  # a progress bar on a terminal only
            with click.progressbar(length=total, label="Verifying", file=sys.stderr) as bar:
                findings = verifier.verify(
                    plan, base_url, concurrency=concurrency, timeout=timeout, retries=retries,
                    progress=bar.update,
                )  # fmt: skip
        else:
            findings = verifier.verify(
                plan, base_url, concurrency=concurrency, timeout=timeout, retries=retries
            )
    except verifier.Unreachable as exc:
        proxy = verifier.proxy_for(base_url)
        click.echo(f"error: nothing answered at {base_url} ({exc.last})", err=True)
        click.echo(
            f"    hint: is the proxy {proxy} (from the environment) running?"
            if proxy
            else "    hint: are you offline or behind a proxy? Behind one, set HTTPS_PROXY "
            "(HTTP_PROXY for http://) to its address: verify goes through it",
            err=True,
        )
        sys.exit(1)
    for f in findings:
        click.echo(f"/{f.slug}: expected {f.expected}, got {f.got}")
    click.echo(f"{total - len(findings)} of {total} links answer as built")
    sys.exit(1 if findings else 0)


EXAMPLES_TARGETS = """
\b
Examples:
  shortlinks targets                            # dead, moved and suspicious targets
  shortlinks targets --fail-on never --format json > health.json
  shortlinks targets --format markdown --fail-on moved   # the health issue's body
"""


@main.command("targets", epilog=EXAMPLES_TARGETS)
@_FILE
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)  # fmt: skip
@click.option("--fail-on", type=click.Choice(["dead", "suspicious", "moved", "never"]),
              default="dead", show_default=True,
              help="Exit 1 when a target is this bad or worse (dead, then suspicious, then "
              "moved); 'never': exit 0 whatever the targets answer.")  # fmt: skip
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--per-host", default=2, show_default=True, type=click.IntRange(1, 16),
              help="Requests at once to one host.")  # fmt: skip
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 120))
@click.option("--retries", default=2, show_default=True, type=click.IntRange(0, 10),
              help="After a 429, a 5xx or a dropped connection.")  # fmt: skip
@click.option("--max-wait", default=30.0, show_default=True, type=click.FloatRange(0, 600),
              help="The longest Retry-After waited for, in seconds.")  # fmt: skip
@_now_option("The instant the links' states are taken at (an ended link's target is not asked).")
def targets_cmd(
    file: Path,
    fmt: str,
    fail_on: str,
    concurrency: int,
    per_host: int,
    timeout: float,
    retries: int,
    max_wait: float,
    now: datetime | None,
) -> None:
    """Ask every target of FILE (device, language, country and variant targets, named
    slug:ios, slug:lang:TAG, slug:country:CODE and slug:v2, slug:v3, ...; expired targets,
    campaigns' links and the site's home too) and report the dead, moved and suspicious
    ones (docs/health.md).

    Exit 0 when none is as bad as --fail-on, 1 when one is (or the file has problems, or
    no target answered at all: offline)."""
    from .commands import targets as health
    from .commands import verify as verifier

    linkset = _linkset_or_exit(file)
    found = health.places(linkset, _clock(now))
    settings = health.Settings(concurrency, per_host, timeout, retries, max_wait)
    total = len({p.url for p in found})
    try:
        if sys.stderr.isatty():  # a progress bar on a terminal only
            with click.progressbar(length=total, label="Asking", file=sys.stderr) as bar:
                report = health.check(found, settings, bar.update)
        else:
            report = health.check(found, settings)
    except verifier.Unreachable as exc:
        click.echo(f"error: not one target answered ({exc.last})", err=True)
        click.echo(
            "    hint: are you offline or behind a proxy? Behind one, set HTTPS_PROXY "
            "(HTTP_PROXY for http://) to its address: targets goes through it",
            err=True,
        )
        sys.exit(1)
    if fmt == "json":
        click.echo(health.as_json(report), nl=False)
    elif fmt == "markdown":
        click.echo(health.markdown(report), nl=False)
    else:
        click.echo(health.text(report), nl=False)
    sys.exit(1 if report.fails(fail_on) else 0)


@contextlib.contextmanager
def _domain_option() -> Iterator[None]:
    """A ``--domain`` the file does not have is a command-line error (exit 2)."""
    try:
        yield
    except domains.UnknownDomain as exc:
        raise click.BadParameter(str(exc), param_hint="--domain") from None


def _domain(linkset: LinkSet, name: str, where: str) -> Domain:
    """The domain ``--domain`` names."""
    with _domain_option():
        return domains.given(linkset, name, where)


EXAMPLES_QR = """
\b
Examples:
  shortlinks qr spring-sale                    # in the terminal
  shortlinks qr spring-sale -o sale.svg        # for print (vector)
  shortlinks qr spring-sale -o sale.png --scale 20
"""


@main.command(epilog=EXAMPLES_QR)
@click.argument("slug", shell_complete=_complete_slug)
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write an .svg or .png file instead of drawing in the terminal.")  # fmt: skip
@click.option("--scale", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Pixels (or SVG units) a module.")  # fmt: skip
@click.option("--domain", help="With site.domains: the domain whose short URL it carries "
              "(default: the first).")  # fmt: skip
def qr(slug: str, file: Path, output: Path | None, scale: int, domain: str | None) -> None:
    """The QR code of a link's short URL (needs site.domain), for print."""

    from . import qr as codes

    linkset = _linkset_or_exit(file)
    try:
        with _domain_option():
            url = codes.short_url(linkset, slug, domain, str(file))
    except codes.NoShortUrl as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if output is None:
        click.echo(codes.terminal(url), nl=False)
        click.echo(url)
        return
    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise click.BadParameter("the file must end in .svg or .png", param_hint="-o")
    style = linkset.site.qr_style  # the site's colours and quiet zone (site.qr)
    if suffix == ".svg":
        data = codes.svg(url, scale=scale, style=style).encode()
    else:
        data = codes.png(url, scale, style)
    replace_file(output, data)  # atomic: never a half-written file
    click.echo(f"Wrote {output} ({url})")


EXAMPLES_LIST = """
\b
Examples:
  shortlinks list
  shortlinks list --state expiring
  shortlinks list --tag winter --format csv > winter.csv
  shortlinks list --campaign spring          # its links with each distributor
"""


@main.command("list", epilog=EXAMPLES_LIST)
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", type=click.Choice(listing.STATES),
              help="Only links in this state ('expiring': ending within --within).")  # fmt: skip
@click.option("--within", type=_Duration(), default="7d", show_default=True,
              help="What 'expiring' means: ending within this long (7d, 48h, 2w; a bare "
              "number is days).")  # fmt: skip
@click.option("--tag", help="Only links with this tag.")
@click.option("--campaign", metavar="NAME", shell_complete=_complete_campaign,
              help="Only this campaign's links, and their distributors.")  # fmt: skip
@click.option("--domain", help="With site.domains: only the links of this domain.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]),
              default="table", show_default=True)  # fmt: skip
@_now_option("The instant states and times are taken at.")
def list_links(
    file: Path,
    state: str | None,
    within: timedelta,
    tag: str | None,
    campaign: str | None,
    domain: str | None,
    fmt: str,
    now: datetime | None,
) -> None:
    """Every link with its state and the time it has left, soonest to end first."""
    import shutil

    from .plan import make_plan

    now = _clock(now)
    linkset = _linkset_or_exit(file)
    try:
        chosen = listing.campaign_of(linkset, campaign, str(file)) if campaign else None
        if tag is not None:
            listing.check_tag(linkset, tag, str(file))
    except (listing.UnknownCampaign, listing.UnknownTag) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    plan = make_plan(linkset, now)
    picked = listing.select(listing.rows(plan, now, within), state, tag, chosen)
    if domain is not None:
        name = _domain(linkset, domain, str(file)).name
        picked = [r for r in picked if name in r.link.domains]
    if fmt == "json":
        click.echo(listing.as_json(picked, plan), nl=False)
    elif fmt == "csv":
        click.echo(listing.as_csv(picked, plan), nl=False)
    elif fmt == "markdown":
        click.echo(listing.as_markdown(picked, plan), nl=False)
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(listing.table(picked, plan, width, campaign=chosen is not None), nl=False)


EXAMPLES_ADD = """
\b
Examples:
  shortlinks add https://shop.example.com/winter --expires-in 2w --title "Winter sale"
  shortlinks add https://github.com/acme --slug gh
  shortlinks add https://example.com/x --alias x2 --tag campaign --dry-run
  shortlinks add https://shop.example.com/spring --utm newsletter --utm-campaign spring
  shortlinks add tel:+15555550100 --slug call --fallback https://example.com/contact
"""


@main.command(epilog=EXAMPLES_ADD)
@click.argument("url")
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--slug", help="The short path; default: a new one that reads aloud well.")
@click.option("--expires", help="Last day (YYYY-MM-DD, in site.timezone) or an ISO instant.")
@click.option("--expires-in", "expires_in", help="From now: 12h, 7d, 2w.")
@click.option("--starts", help="First day (YYYY-MM-DD) or an ISO instant.")
@click.option("--title")
@click.option("--alias", "aliases", multiple=True, help="Another slug for it (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A label (repeatable).")
@click.option(
    "--domain",
    "domains",
    multiple=True,
    help="With site.domains: a domain it lives on (repeatable; default: the first).",
)
@click.option("--utm", "utm_template", metavar="TEMPLATE", help="A utm template of site.utm.")
@click.option("--utm-source", help="utm_source added to the target (the utm key).")
@click.option("--utm-medium", help="utm_medium added to the target.")
@click.option("--utm-campaign", help="utm_campaign added to the target.")
@click.option("--utm-term", help="utm_term added to the target.")
@click.option("--utm-content", help="utm_content added to the target.")
@click.option("--utm-id", help="utm_id added to the target.")
@click.option(
    "--fallback",
    metavar="URL",
    help="For a URL that opens an app (tel:, an app of site.app_schemes): the web page "
    "for visitors without the app, and on computers.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@_now_option("The instant --expires-in counts from.", hidden=True)
def add(
    url: str,
    file: Path,
    slug: str | None,
    expires: str | None,
    expires_in: str | None,
    starts: str | None,
    title: str | None,
    aliases: tuple[str, ...],
    tags: tuple[str, ...],
    domains: tuple[str, ...],
    fallback: str | None,
    dry_run: bool,
    now: datetime | None,
    **utm_options: str | None,
) -> None:
    """Add a link to the links file, keeping every other line of it as it is."""
    from . import qr as codes
    from .commands import add as adder

    if expires and expires_in:
        raise click.UsageError("give --expires or --expires-in, not both")
    linkset = _linkset_or_exit(file, f"error: fix {file} first ('shortlinks check')")
    try:
        if expires_in:
            expires = adder.expires_in(expires_in, _clock(now), zone(linkset.site.timezone))
        names = tuple(_domain(linkset, d, str(file)).name for d in domains)
        utm = adder.utm_given(utm_options)
        new = adder.NewLink(
            url, slug, expires, starts, title, aliases=aliases, tags=tags, domains=names, utm=utm,
            fallback=fallback,
        )  # fmt: skip
        text, used, problems = adder.add(file, new, linkset, lock.reserved(file))
    except adder.AddError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if problems:
        _print_add_problems(adder.as_given(problems, expires_in is not None))
        click.echo("error: the link was not added (nothing written)", err=True)
        sys.exit(1)
    base = adder.base_url(new, linkset.site)
    short = f"{base or ''}/{used}"
    if dry_run:
        click.echo("Would add (nothing written):")
        click.echo("\n".join(adder.added_lines(file.read_text(encoding="utf-8"), text)))
        click.echo(short)
        return
    adder.write_atomically(file, text)
    click.echo(f"Added {short}")
    if base:
        click.echo(codes.terminal(short), nl=False)


def _print_add_problems(problems: Sequence[object]) -> None:
    """``add``'s problems: those of an option by its name (never a line not written),
    those of the user's own file at their line."""
    from .commands.add import OptionProblem

    for p in problems:
        if isinstance(p, OptionProblem):
            click.echo(f"error: {p.option}: {p.message} ({p.rule})", err=True)
            if p.hint:
                click.echo(f"    hint: {p.hint}", err=True)
    in_file = [p for p in problems if isinstance(p, Problem)]
    if in_file:
        _print_problems(in_file, _default_format(), err=True)


EXAMPLES_SERVE = """
\b
Examples:
  shortlinks serve                    # http://127.0.0.1:8000/gh redirects as a host would
  shortlinks serve links.yaml --port 9000
  shortlinks serve --now 2026-12-01T00:00:00Z   # the site a build at that instant writes
"""


@main.command(epilog=EXAMPLES_SERVE)
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="The address to listen on (this machine only by default).")  # fmt: skip
@click.option("--domain", help="With site.domains: the domain to serve (default: the first).")
@_build_options
def serve(
    file: Path,
    port: int,
    bind: str,
    domain: str | None,
    now: datetime | None,
    templates: Path | None,
    hosts: tuple[str, ...],
    strict: bool,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Preview what `build` would write: rules answer as on a host; edits rebuild it.

    Builds FILE with the same checks and options as `build` into a temporary folder and
    builds again when FILE, its links.lock or a file of --templates changes. Ctrl-C,
    SIGTERM or SIGHUP stop it: the folder is removed, exit code 0."""
    from .commands import serve as server_mod

    if not file.is_file():
        click.echo(f"error: {file} does not exist", err=True)
        sys.exit(1)
    with server_mod.StopSignals() as signals:
        preview = None
        try:
            preview = server_mod.Preview(
                file,
                lambda: _build_time(now),
                lambda msg: click.echo(msg, err=True),
                domain=domain,
                templates=templates,
                hosts=hosts or None,
                strict=strict,
                cache_dir=qrcodes.cache_folder(cache_dir, no_cache),
            )
            try:
                server, _ = server_mod.serve(preview, bind, port)
            except OSError as exc:
                click.echo(f"error: cannot listen on {bind}:{port}: {exc}", err=True)
                sys.exit(1)
            try:
                signals.server = server
                address, real_port = server.server_address[:2]
                click.echo(
                    f"Serving {file} at http://{address}:{real_port}/ from {preview.root} "
                    "(Ctrl-C stops and removes it)",
                    err=True,
                )
                server.serve_forever()  # until a stop signal shuts it down
            finally:
                server.server_close()
        except server_mod.Stop:  # a signal during the first build
            pass
        finally:
            signals.ignore()
            if preview is not None:
                preview.close()


EXAMPLES_IMPORT = """
\b
Examples:
  shortlinks import old-links.csv                 # columns: slug,url,expires,...
  shortlinks import bitly-export.csv --dry-run    # see what would come in
"""


@main.command("import", epilog=EXAMPLES_IMPORT)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the rows that are right, list the "
              "refused ones (default: one refused row stops it all).")  # fmt: skip
def import_links(csv_file: Path, file: Path, dry_run: bool, skip_bad: bool) -> None:
    """Links from a CSV file: this tool's export, or Shlink's, YOURLS', Kutt's, Bitly's.

    Every cell is checked as links.yaml would check it. A row with a mistake, or whose
    slug another link has (in any letter case), is refused with its row, column and
    reason; then nothing is written (exit 1), unless --skip-bad. Nothing in the links
    file is ever overwritten. A row that is a link of the file already, or one a
    campaign of the file makes, is skipped and said so.
    """
    from .commands import add as adder
    from .commands import importer

    linkset = _linkset_or_exit(file)
    fmt = _default_format()
    try:
        text = importer.decode(csv_file.read_bytes(), str(csv_file))
        with Progress("Importing") as bar:
            result, report = importer.import_csv(
                text,
                str(csv_file),
                file,
                linkset,
                bar.update,
                lock.reserved(file),
                skip_bad=skip_bad,
            )
    except importer.ImportError_ as exc:
        _print_problems(exc.problems, fmt, err=True)
        click.echo(f"error: nothing imported from {csv_file}", err=True)
        sys.exit(1)
    for note in report.notes:
        click.echo(f"note: {note}")
    for line, slug, why in report.skipped:
        click.echo(f"{csv_file}:{line}: skipped {slug}: {why}")
    if report.problems:
        _print_problems(report.problems, fmt, err=True)
    refused = len(report.refused)
    if result is None and (refused or any(p.is_error for p in report.problems)):
        why = f": {refused} row(s) refused; fix them, or import the others with --skip-bad"
        click.echo(f"error: nothing imported{why if refused else ''}", err=True)
        sys.exit(1)
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {len(report.imported)} link(s) ({report.format} format), "
        f"skipped {len(report.skipped)}" + (f", refused {refused}" if refused else "")
    )
    if result is not None and not dry_run:
        adder.write_atomically(file, result)


@main.command("export")
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")  # fmt: skip
def export_links(file: Path, output: Path | None) -> None:
    """Every link as CSV (slug,url,expires,starts,title,description,aliases,tags, and
    campaign,distributor_code,distributor_name for the links a campaign made, and domains),
    which import reads back. Keys without a column are named on standard error."""
    from .commands import importer

    linkset = _linkset_or_exit(file)
    text = importer.export_csv(linkset)
    if output is None:
        click.echo(text, nl=False)
    else:
        replace_file(output, text)
        click.echo(f"Wrote {len(linkset.links)} links to {output}", err=True)
    left = importer.left_out(linkset)
    if left:
        keys = ", ".join(f"{key} ({n} link{'s' * (n != 1)})" for key, n in left.items())
        click.echo(f"note: the CSV has no column for {keys}: {file} keeps them", err=True)


EXAMPLES_SHEET = """
\b
Examples:
  shortlinks sheet spring -o spring.svg               # spring.svg, spring-2.svg, ...
  shortlinks sheet spring --per-distributor cards     # cards/a01.svg, cards/b02.svg, ...
  shortlinks sheet spring --domain go.example.cn -o spring-cn.svg
"""


@main.command("sheet", epilog=EXAMPLES_SHEET)
@click.argument("name", shell_complete=_complete_campaign)
@click.argument("file", default="links.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The first A4 page (.svg); more pages: OUT-2.svg, OUT-3.svg, ...")  # fmt: skip
@click.option("--domain", help="The short domain the codes carry, when the campaign's links "
              "are on several [default: their first, or site.domain].")  # fmt: skip
@click.option("--per-distributor", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Instead of pages, a card a distributor in this folder (CODE.svg).")  # fmt: skip
def sheet_cmd(
    name: str, file: Path, output: Path | None, domain: str | None, folder: Path | None
) -> None:
    """A campaign's QR codes to print: a card a distributor (the code of their short URL,
    their name and code), 12 on an A4 page. For the team, never part of the site."""
    from .commands import sheet as sheets

    if (output is None) == (folder is None):
        raise click.UsageError("give -o OUT.svg (A4 pages) or --per-distributor DIR (a card each)")
    if output is not None and output.suffix.lower() != ".svg":
        raise click.BadParameter("the file must end in .svg", param_hint="-o")
    linkset = _linkset_or_exit(file)
    try:
        campaign = listing.campaign_of(linkset, name, str(file))
        links = listing.campaign_links(linkset, campaign)
        cards = sheets.cards(links, sheets.domain_for(links, linkset.site, domain))
    except (listing.UnknownCampaign, sheets.SheetError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for card in cards:
            replace_file(folder / f"{card.code}.svg", sheets.card_svg(card, linkset.site.qr_style))
        click.echo(f"Wrote {len(cards)} cards to {folder}")
        return
    assert output is not None
    pages = sheets.pages(
        *sheets.heading(campaign, links), cards, linkset.site.language, linkset.site.qr_style
    )
    *paths, after = sheets.page_paths(output, len(pages) + 1)
    for path, page in zip(paths, pages, strict=True):
        replace_file(path, page)
    click.echo(f"Wrote {len(cards)} cards on {len(pages)} page(s): {', '.join(map(str, paths))}")
    if after.exists():  # from a longer sheet made before: it would be printed with this one
        click.echo(f"note: {after} is left from an earlier, longer sheet", err=True)

"""Problems found in a links file, and the ways of printing them.

A problem is data, not an exception: every stage collects them so that the
user sees all of them at once, and only the CLI decides how to print them and
which exit code they earn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum

ERROR = "error"
WARNING = "warning"

# A path into the document: mapping keys and sequence indices, e.g.
# ("links", "spring-sale", "expires"). Positions are looked up from it late,
# so a loader that does not track positions can still place problems.
Path = tuple[object, ...]


def shown(value: object, limit: int = 100) -> str:
    """``repr`` of a value for a message, cut short past ``limit`` characters to its start
    and its length: a message never repeats megabytes of a mistaken or hostile file back
    at the user, several times over (tests/test_bad_input.py feeds it 50 MB values)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:40]!r}... ({len(value)} characters)"
    return repr(value)


# Every rule a problem can name, with what it means in one line (docs/rules.md says what to
# do about each; tests/test_rules.py triggers each one and holds the page to this list).
RULES: dict[str, str] = {
    # The file and its YAML
    "file-missing": "the links file does not exist",
    "file-not-regular": "the path is a device, a pipe or a folder, not a file",
    "file-too-large": "the file is larger than a links file can be",
    "file-unreadable": "the file cannot be read (permissions, I/O)",
    "file-encoding": "the file is not UTF-8 (UTF-16, or a byte UTF-8 cannot read)",
    "hidden-line-break": "an invisible line break (U+2028...) that YAML reads as a new line",
    "byte-order-mark": "a byte order mark in the middle of the file",
    "control-character": "a control character YAML does not allow",
    "lone-surrogate": "a lone surrogate, from bytes that were not UTF-8",
    "yaml-syntax": "the YAML cannot be parsed (a missing ':', bad indentation...)",
    "duplicate-key": "the same key twice in one mapping: YAML would keep only the last",
    "yaml-documents": "more than one YAML document ('---')",
    "yaml-alias": "a YAML alias (*name)",
    "yaml-tag": "a YAML tag that is not supported, or that does not fit its value",
    "yaml-complex-key": "a key that is a list or a mapping",
    "yaml-depth": "nesting deeper than a links file needs",
    "yaml-merge-key": "a YAML merge key ('<<')",
    "yaml-number-too-long": "a number too long to be read",
    "yaml-value": "a value YAML cannot read as its type (a date that does not exist, say)",
    "empty-file": "the file holds nothing",
    "top-not-mapping": "the file is not a mapping of 'site:', 'links:' and 'campaigns:'",
    # Keys and values anywhere
    "unknown-key": "a key the section does not take (a misspelling, often)",
    "not-a-mapping": "a section or value that must be 'key: value' lines is not",
    "text-type": "a text value is a number, a list or a mapping",
    "text-too-long": "a text value is longer than its limit",
    "text-control": "text with a control character or a line break",
    "boolean-value": "a true/false key has another value",
    "yaml11-boolean": "yes/no/on/off, which this check and editors read differently",
    "time-zone": "a time zone that is not an IANA zone name",
    "date-value": "a date or time that cannot be read",
    "date-range": "a date outside the years a site can use",
    # The site section
    "status-value": "a status other than 301, 302, 307 or 308",
    "domain-name": "a short domain that is not a bare host name",
    "domain-and-domains": "site has both 'domain' and 'domains'",
    "site-domains": "site.domains is not a list of host names, or an item names none",
    "duplicate-domain": "a domain listed twice in site.domains",
    "domain-reserved": "a domain named 'domains.json', the build's own list",
    "home-no-url": "a home written as a mapping has no 'url'",
    "domain-list": "allow_domains or deny_domains is not a list of bare domains",
    "unknown-language": "site.language is not one of the languages of the pages",
    "hosts-list": "site.hosts is not a list of host names",
    "unknown-host": "a host name the generator does not know",
    "plan-none": "site.plans names a host whose limits do not depend on a plan",
    "unknown-plan": "a plan the host does not have",
    "links-json-exposed": "links_json: false on a host that publishes the build folder anyway",
    "qr-value": "site.qr is not true, false, files or a mapping",
    "qr-colour": "a colour of site.qr that is not '#rgb' or '#rrggbb'",
    "qr-contrast": "site.qr's dark and light colours too alike for a phone to scan",
    "qr-inverted": "site.qr's dark colour is not darker than its light one",
    "qr-quiet-zone": "site.qr's quiet_zone is not a whole number from 2 to 20",
    "qr-logo-file": "site.qr's logo is no file that can be read, or too large",
    "qr-logo-type": "site.qr's logo is not a PNG (8 bits a channel, not interlaced)",
    "qr-logo-size": "site.qr's logo_size is not from 0.1 to 0.3, or there is no logo",
    "preview-value": "site.preview is not true or files",
    "analytics-provider": "site.analytics names no provider, or an unknown one",
    "analytics-site": "site.analytics has no usable 'site'",
    "analytics-url": "the counter's url has a user, query or fragment",
    "analytics-http": "the counter is on plain http (a warning)",
    "not-found-short-domain": "site.not_found is a path on the site's own short domain (a loop)",
    # Links
    "no-links": "the file has no 'links:' section (and no campaigns)",
    "empty-links": "'links' is empty (a warning)",
    "no-url": "a link or campaign without a URL",
    "starts-after-expires": "a link starts at or after it expires",
    "permanent-expires": "a link that expires has a permanent status (301/308)",
    "expired-unused": "'expired' without 'expires': it is never used (a warning)",
    "image-http": "the card image is on plain http (a warning)",
    "tags-list": "tags is not a list of words",
    "aliases-list": "aliases is not a list of slugs",
    "link-domains": "a link's 'domains' does not name site.domains (or names one twice)",
    "slug-domain": "'slug@domain' names a domain site.domains does not list",
    "unknown-platform": "a devices key that is not a platform",
    "devices-empty": "devices is empty",
    "language-tag": "a languages key that is no BCP 47 language tag",
    "duplicate-language": "a language tag named twice in languages (tags ignore case)",
    "languages-empty": "languages is empty",
    "password-languages": "a link with a password and languages (its page cannot choose)",
    "country-code": "a countries key that is no ISO 3166-1 alpha-2 code in upper case",
    "countries-empty": "countries is empty",
    "password-countries": "a link with a password and countries (a country rule skips it)",
    "countries-untargeted": "hosts of the build that cannot target a link's countries (a warning)",
    "variants-list": "variants is not a list of at least 2 URLs or {url, weight}",
    "variant-weight": "a variant's weight is not a whole number from 1 to 1000000",
    "variants-conflict": "a link with variants that also has url, devices, languages or password",
    "app-scheme": "a link's url opens an app the site does not list in site.app_schemes",
    "app-url": "an app's URL with nothing after its scheme",
    "app-conflict": "an app's link with devices, languages, countries, variants or a password",
    "app-schemes": "site.app_schemes is no list of schemes, or lists one that can never be opened",
    "app-schemes-builtin": "site.app_schemes lists tel, mailto or sms, opened anyway (a warning)",
    "fallback-missing": "an app of site.app_schemes or a mini-program with no fallback",
    "fallback-loop": "a fallback on one of the site's own short domains",
    "fallback-unused": "a fallback on a link that goes to a web page",
    "miniprogram-conflict": "a link with both url and miniprogram",
    "miniprogram-appid": "a mini-program's appid that is not 'wx' and 16 hex digits",
    "miniprogram-path": "a mini-program's path that is no page path (a leading '/', a query)",
    "miniprogram-query": "a mini-program query WeChat refuses (its characters, 512 at most)",
    "miniprogram-env": "a mini-program's env_version other than release, trial or develop",
    "password-not-text": "a password that YAML reads as a number or nothing",
    "password-short": "a password shorter than 8 characters (a warning)",
    "password-open-in-browser": "a link with a password and open_in_browser",
    "analytics-unused": "a link's 'analytics' with no site.analytics (a warning)",
    # Slugs
    "slug-not-text": "a slug YAML reads as a number, a date or a boolean",
    "slug-empty": "an empty slug",
    "slug-too-long": "a slug longer than the limit",
    "slug-character": "a character a slug cannot have (a space, a control character, punctuation)",
    "slug-slash": "a slug that starts or ends with '/', or has '//'",
    "slug-dots": "a slug with '..'",
    "slug-hidden": "a part of a slug that starts with '.'",
    "slug-part-too-long": "a part of a slug too long for a file name",
    "slug-html": "a slug (or a part of one) that ends in .html",
    "slug-reserved": "a slug the site uses for its own files",
    # URLs and targets
    "url-not-text": "a URL that is not text",
    "url-empty": "an empty URL",
    "url-too-long": "a URL longer than the limit",
    "url-character": "a URL with a space or an invisible character",
    "url-relative": "a relative or protocol-relative URL",
    "url-scheme": "a URL with no scheme, or another than http and https",
    "url-backslash": "a backslash before the query, which browsers read as '/'",
    "url-malformed": "a URL that cannot be split into its parts (a bad port...)",
    "url-host": "a URL with no host, or a host that is no domain name or IP address",
    "deny-domains": "a target on a domain site.deny_domains refuses",
    "allow-domains": "a target on a domain site.allow_domains does not list",
    "target-ip-address": "a target whose host is an IP address (a warning)",
    "target-shortener": "a target that is another URL shortener's link (a warning)",
    "target-punycode": "a target host with a malformed punycode label (a warning)",
    "target-lookalike": "a target host that looks like another domain (a warning)",
    "target-userinfo": "a target with a user name before '@' (a warning)",
    # Campaigns
    "campaign-name": "a campaign's name is not text",
    "campaign-slug": "the slug pattern has no {code}",
    "campaign-param": "the campaign's url already has a parameter the campaign adds",
    "campaign-ref": "ref is not a query parameter name",
    "tracking-value": "a utm value that is not text, or names a field but code, name, campaign",
    "utm-name": "{name} in a utm value publishes each distributor's name (a warning)",
    "distributor-list": "distributors is missing or not a list of {code, name}",
    "distributor-code": "a distributor's code is not letters, digits, '-' or '_'",
    "duplicate-code": "two distributors of a campaign with one code",
    # UTM on links (site.utm, a link's utm)
    "utm-form": "a link's utm is neither a template's name nor a mapping, or is empty",
    "utm-key": "a utm field other than source, medium, campaign, term, content, id",
    "utm-value": "a utm value that is not text, or is empty",
    "utm-template": "a utm template name that is not letters, digits, '-', '_', or not in site.utm",
    "utm-clash": "the target already has a utm parameter with another value",
    # Across links
    "duplicate-slug": "a slug used twice (on one domain)",
    "slug-collision": "two slugs that differ only in letter case, width or trailing punctuation",
    "own-slug-missing": "a link to this site's domain names no slug of the file (a warning)",
    "redirect-chain": "a link to another short link of the site (a warning)",
    "redirect-loop": "short links that send visitors round in a circle",
    # add
    "add-slug-taken": "a slug given to 'add' is taken by a link of the file",
    "add-slug-published": "a slug given to 'add' was published before (links.lock)",
    "add-domain": "the link cannot be written on the domain given to 'add'",
    "add-not-utf8": "an argument of 'add' is not UTF-8 text",
    # links.lock
    "lock-line": "a lock line that is not 'name target'",
    "lock-unreadable": "links.lock cannot be read",
    "lock-base-unreadable": "the base branch's lock cannot be read",
    "lock-deleted": "links.lock was deleted",
    "lock-domain-missing": "the lock names domains and links.yaml names none",
    "lock-domain-lookalike": "a domain that looks like one the lock names but is another",
    "lock-moved": "a published link points elsewhere without 'repoint_from'",
    "lock-not-updated": "a move with 'repoint_from' that links.lock does not record yet",
    "lock-forgotten": "a published link leaves the file and the lock keeps no line for it",
    "lock-line-changed": "a line of the base's lock was lost or changed",
    "lock-edited": "links.lock was edited to repoint a link without 'repoint_from'",
    "repointed": "a link was moved with 'repoint_from' (a warning)",
    "repoint-from-stale": "'repoint_from' names a target the link no longer moves from (a warning)",
    # Host limits
    "host-limit": "a build passes a cap of a host (files, bytes, rules)",
    "host-limit-near": "a build reaches 80% of a cap of a host (a warning)",
    "hosts-unchosen": "the build passes a cap of some host while site.hosts names none (a warning)",
    # import
    "import-empty": "the CSV file is empty",
    "import-header": "the first row names no format import reads",
    "csv-cells": "a row with more cells than the header names",
    "csv-syntax": "a row that cannot be read as CSV",
    "csv-unnamed-column": "a value in a column without a name",
    "csv-duplicate-column": "two columns with one name",
    "csv-unknown-column": "a column import does not read",
    "import-no-slug": "a row without a slug",
    "import-no-url": "a row without a URL",
    "import-campaign": "a row of a campaign that cannot be added",
    "import-distributor": "a distributor on a row that names no campaign",
    "import-refused": "a row that cannot be made into a link",
    "import-slug-taken": "a row's slug is taken by a link of the file",
    "import-duplicate-row": "two rows with one slug",
    "import-slug-locked": "a row's slug is one name with a slug of the file to links.lock",
    "import-slug-published": "a row's slug was published before",
    "import-domains": "a row's domains cannot be written",
    "import-insert": "the links file cannot take the new lines",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in the input, with where it is."""

    line: int
    column: int
    severity: str = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    file: str = field(default="links.yaml", compare=False)
    # which rule found it (a key of RULES): required, so that no problem goes unnamed
    rule: str = field(kw_only=True, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class PendingProblem:
    """A problem found by validation, still to be given a position.

    ``at`` says whether the key or the value of ``path`` is the better place
    to point at: an unknown key is the key, a bad date is the value.
    """

    path: Path
    severity: str
    message: str
    hint: str | None = None
    at: str = "value"
    rule: str = field(kw_only=True)


class Format(str, Enum):
    text = "text"
    github = "github"
    json = "json"


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(problems: Sequence[Problem]) -> str:
    errors, warnings = count(problems)
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    return ", ".join(parts)


def format_text(p: Problem, *, color: bool = False) -> str:
    """``links.yaml:12:5: error: message (rule-id)`` then an indented hint line."""
    sev = p.severity
    if color:
        code = "31" if p.is_error else "33"
        sev = f"\x1b[1;{code}m{sev}\x1b[0m"
    out = f"{p.file}:{p.line}:{p.column}: {sev}: {p.message} ({p.rule})"
    if p.hint:
        out += f"\n    hint: {p.hint}"
    return out


def _gh_escape_data(text: str) -> str:
    # Workflow-command escaping, as done by @actions/core (escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(text: str) -> str:
    # Properties additionally escape ':' and ',' (escapeProperty in @actions/core).
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(p: Problem) -> str:
    """A GitHub Actions annotation, shown on the offending line of a PR."""
    message = p.message if not p.hint else f"{p.message}\n{p.hint}"
    return (
        f"::{p.severity} file={_gh_escape_property(p.file)},line={p.line},col={p.column},"
        f"title={_gh_escape_property(p.rule)}"
        f"::{_gh_escape_data(message)}"
    )


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)

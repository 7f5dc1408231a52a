"""Language tags of a link's ``languages:`` (BCP 47, RFC 5646, the subset browsers send
in ``navigator.languages`` and Accept-Language): a primary language subtag, then at most
a script and a region: ``zh``, ``zh-TW``, ``zh-Hant``, ``zh-Hant-TW``, ``pt-BR``, ``es-419``.

Two-letter primary subtags must be ISO 639-1 codes (the list below); three-letter ones
(ISO 639-2/3: ``yue``, ``fil``) are taken on their form alone. A tag is written back in
its canonical case (RFC 5646, 2.1.1): ``zh-tw`` is ``zh-TW``.
"""

from __future__ import annotations

import re

# ISO 639-1 (the Library of Congress's list, https://www.loc.gov/standards/iso639-2/php/code_list.php)
_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
    "he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn "
    "ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
ISO_639_1 = frozenset(_ISO_639_1_CODES.split(" "))

_TAG = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
)

# What people write for a language instead of its tag, and country codes taken for one
WORDS = {
    "chinese": "zh",
    "mandarin": "zh",
    "cn": "zh",
    "zh_cn": "zh-CN",
    "zh_tw": "zh-TW",
    "zh_hk": "zh-HK",
    "english": "en",
    "en_us": "en-US",
    "en_gb": "en-GB",
    "uk": "en-GB",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "japanese": "ja",
    "jp": "ja",
    "korean": "ko",
    "kr": "ko",
    "portuguese": "pt",
    "pt_br": "pt-BR",
    "russian": "ru",
    "arabic": "ar",
    "italian": "it",
    "dutch": "nl",
    "hindi": "hi",
    "turkish": "tr",
    "vietnamese": "vi",
    "vn": "vi",
    "polish": "pl",
    "ukrainian": "uk",
    "ua": "uk",
    "greek": "el",
    "gr": "el",
    "hebrew": "he",
    "iw": "he",
    "swedish": "sv",
    "se": "sv",
    "danish": "da",
    "dk": "da",
    "czech": "cs",
    "cz": "cs",
    "indonesian": "id",
    "thai": "th",
    "persian": "fa",
    "farsi": "fa",
}


def canonical(tag: object) -> str | None:
    """``tag`` in its canonical case when it is a language tag this accepts, else None."""
    if not isinstance(tag, str):
        return None
    m = _TAG.fullmatch(tag)
    if m is None:
        return None
    lang, script, region = m["lang"].lower(), m["script"], m["region"]
    if len(lang) == 2 and lang not in ISO_639_1:
        return None
    return "-".join(
        [lang] + ([script.title()] if script else []) + ([region.upper()] if region else [])
    )


def guess(tag: object) -> str | None:
    """The tag someone writing ``tag`` most likely meant: a language's English name, an
    underscore for the hyphen (``zh_TW``), a country code for its language (``cn``)."""
    if not isinstance(tag, str) or len(tag) > 40:
        return None
    low = tag.strip().lower().replace(" ", "_")
    if low in WORDS:
        return WORDS[low]
    return canonical(low.replace("_", "-"))


def _letters(tag: str) -> str:
    """``tag`` as a pattern that ignores letter case without a flag (``zh-TW``:
    ``[zZ][hH]-[tT][wW]``), which every engine's regular expressions read alike."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in tag)


# One language of an Accept-Language header, after a tag: more subtags, spaces, then its
# quality (';q=...'), the next language (','), or the end. A tag is letters, digits and '-'
# (canonical() refuses anything else), so it needs no escaping.
_REST = r"(?:-[^,;\s]*)?\s*(?:[;,]|$)"


def first_pattern(tag: str) -> str:
    """A regular expression that finds ``tag`` by lookup (RFC 4647, 3.4) from the FIRST
    language of an Accept-Language header: that language is the tag, or the tag with more
    subtags (``zh-Hant-TW`` finds ``zh-Hant`` and ``zh``)."""
    return r"^\s*" + _letters(tag) + _REST


def any_pattern(tags: list[str]) -> str:
    """A regular expression that finds any of ``tags`` from ANY language of the header."""
    return r"(?:^|,)\s*(?:" + "|".join(_letters(t) for t in tags) + ")" + _REST


def whole_first_pattern(tag: str) -> str:
    """``first_pattern`` that matches the whole header, anchored at both ends: it finds the
    same headers whether an engine searches with it or matches all of the value with it
    (Vercel's ``has``)."""
    return r"^\s*" + _letters(tag) + r"(?:-[^,;\s]*)?\s*(?:[;,].*)?$"


def whole_any_pattern(tags: list[str]) -> str:
    """``any_pattern`` that matches the whole header, as ``whole_first_pattern``."""
    alternatives = "|".join(_letters(t) for t in tags)
    return r"^(?:.*,)?\s*(?:" + alternatives + r")(?:-[^,;\s]*)?\s*(?:[;,].*)?$"


def primary(tag: str) -> str:
    """The primary language subtag: ``zh`` of ``zh-Hant-TW``."""
    return tag.partition("-")[0]

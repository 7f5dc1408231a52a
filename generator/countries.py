"""Country codes of a link's ``countries:``: ISO 3166-1 alpha-2, in upper case, as the
hosts that target countries at the edge read them (Netlify's ``Country=``, Vercel's
``x-vercel-ip-country`` header). A page cannot know the visitor's country (no browser
API says it, and a time zone or a language is no country), so only an edge rule can
target one; the hosts without such a rule send every visitor to the link's own target.
"""

from __future__ import annotations

# ISO 3166-1 alpha-2, officially assigned (Debian's iso-codes, iso_3166-1.json)
_ISO_3166_1_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
    "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL "
    "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM "
    "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD "
    "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)
ISO_3166_1 = frozenset(_ISO_3166_1_CODES.split(" "))

# What people write for a country instead of its code
WORDS = {
    "uk": "GB",
    "england": "GB",
    "britain": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "china": "CN",
    "prc": "CN",
    "taiwan": "TW",
    "hong kong": "HK",
    "macau": "MO",
    "japan": "JP",
    "korea": "KR",
    "south korea": "KR",
    "germany": "DE",
    "france": "FR",
    "spain": "ES",
    "italy": "IT",
    "russia": "RU",
    "india": "IN",
    "brazil": "BR",
    "mexico": "MX",
    "canada": "CA",
    "australia": "AU",
    "el": "GR",
    "greece": "GR",
    "ja": "JP",
    "ko": "KR",
    "zh": "CN",
    "da": "DK",
    "sv": "SE",
    "cs": "CZ",
    "ukraine": "UA",
}


def canonical(code: object) -> str | None:
    """``code`` when it is an assigned ISO 3166-1 alpha-2 code, as written (upper case),
    else None."""
    return code if isinstance(code, str) and code in ISO_3166_1 else None


def guess(code: object) -> str | None:
    """The code someone writing ``code`` most likely meant: its upper case (``cn``), a
    country's English name (``china``), a common other name (``UK``), a language taken
    for its country (``ja``)."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    low = " ".join(code.strip().lower().replace("_", " ").split())
    if low in WORDS:
        return WORDS[low]
    up = low.upper()
    return up if up in ISO_3166_1 else None

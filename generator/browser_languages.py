"""The languages browsers offer a visitor to ask for (their UI's list of languages, which
becomes ``navigator.languages`` and the Accept-Language header), and the two-letter
language codes that a comparison of two characters would confuse with one of them.

netlify-cli compares only the first two characters of the visitor's first language with a
``Language=`` condition (``utils/rules-proxy.js``, ``getLanguage``): a browser set to
Filipino (``fil``) would be read as Finnish (``fi``). Netlify gets a ``Language=`` line
only for a tag no offered language can be taken for (hosts/redirects_file.py).
"""

from __future__ import annotations

from .languages import ISO_639_1

# Chromium's kAcceptLanguageList, ui/base/l10n/l10n_util.cc (chromium/chromium at
# 24d53e3e9a861c76d0e1626522c93e371f5d9223; the same list in 147.0.7727), without the
# pseudolocales: the languages Chrome, Edge and the other Chromium browsers offer.
_CHROMIUM_CODES = (
    "af ak am an ar as ast ay az be bg bho bm bn br bs ca ceb chr ckb co cs cy da de "
    "de-AT de-CH de-DE de-LI doi dv ee el en en-AU en-CA en-GB en-GB-oxendict en-IE "
    "en-IN en-NZ en-US en-ZA eo es es-419 es-AR es-CL es-CO es-CR es-ES es-HN es-MX "
    "es-PE es-US es-UY es-VE et eu fa fi fil fo fr fr-CA fr-CH fr-FR fy ga gd gl gn gu "
    "ha haw he hi hmn hr ht hu hy ia id ig ilo is it it-CH it-IT ja jv ka kk km kn ko "
    "kok kri ku ky la lb lg ln lo lt lus lv mai mg mi mk ml mn mni-Mtei mo mr ms mt my "
    "nb ne nl nn no nso ny oc om or pa pl ps pt pt-BR pt-PT qu rm ro ru rw sa sd sh si "
    "sk sl sm sn so sq sr st su sv sw ta te tg th ti tk tn to tr ts tt tw ug uk ur uz "
    "vi wa wo xh yi yo zh zh-CN zh-HK zh-TW zu"
)
CHROMIUM = tuple(_CHROMIUM_CODES.split(" "))

# Firefox's intl/locale/language.properties, its '.accept' entries
# (https://searchfox.org/mozilla-central/source/intl/locale/language.properties), as read
# in the Firefox fork Floorp-Projects/Floorp at 21c37fac69ba22676b420efecbbf7a24e3fcb9b0:
# the languages Firefox offers.
_FIREFOX_CODES = (
    "aa ab ach ae af ak am an ar ar-ae ar-bh ar-dz ar-eg ar-iq ar-jo ar-kw ar-lb ar-ly "
    "ar-ma ar-om ar-qa ar-sa ar-sy ar-tn ar-ye as ast av ay az ba be bg bh bi bm bn bo "
    "br bs ca ca-valencia cak ce ch co cr crh cs csb cu cv cy da de de-at de-ch de-de "
    "de-li de-lu dsb dv dz ee el en en-au en-bz en-ca en-gb en-ie en-jm en-nz en-ph "
    "en-tt en-us en-za en-zw eo es es-ar es-bo es-cl es-co es-cr es-do es-ec es-es "
    "es-gt es-hn es-mx es-ni es-pa es-pe es-pr es-py es-sv es-uy es-ve et eu fa fa-ir "
    "ff fi fj fo fr fr-be fr-ca fr-ch fr-fr fr-lu fr-mc fur fy ga gd gl gn gu gv ha "
    "haw he hi hil ho hr hsb ht hu hy hz ia id ie ig ii ik io is it it-ch iu ja jv ka "
    "kab kg ki kk kl km kn ko ko-kp ko-kr kok kr ks ku kv kw ky la lb lg li lij ln lo "
    "lt ltg lu lv mai meh mg mh mi mix mk mk-mk ml mn mr ms mt my na nb nd ne ng nl "
    "nl-be nn no nr nso nv ny oc oj om or os pa pa-in pa-pk pi pl ps pt pt-br qu rm "
    "rn ro ro-md ro-ro ru ru-md rw sa sc sd sg si sk sl sm so son son-ml sq sr ss st "
    "su sv sv-fi sv-se sw ta te tg th ti tig tk tl tlh tn to tr trs ts tt tw ty ug uk "
    "ur uz ve vi vo wa wo xh yi yo za zam zh zh-cn zh-hk zh-sg zh-tw zu"
)
FIREFOX = tuple(_FIREFOX_CODES.split(" "))

OFFERED = (*CHROMIUM, *FIREFOX)


def _read_as_another() -> frozenset[str]:
    """The ISO 639-1 codes that are the first two letters of a longer language subtag
    offered (``fi`` of ``fil``, ``ha`` of ``haw``, ``ko`` of ``kok``, ``cs`` of ``csb``)."""
    longer = {code.partition("-")[0].lower() for code in OFFERED}
    return frozenset(c[:2] for c in longer if len(c) > 2 and c[:2] in ISO_639_1)


# Two-letter tags a first-two-characters comparison cannot tell from another language
READ_AS_ANOTHER = _read_as_another()

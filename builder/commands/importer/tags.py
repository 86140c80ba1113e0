"""Tag suggestions: the site's own tags an article mentions, and what the text itself names.

A fresh site has no tags to match, so the text is read too: countries (by name or
demonym: "Iranian" names Iran), organisations (acronyms such as NATO, used twice or in the
headline), and key phrases that recur (capitalised names such as "Soviet Union" twice,
pairs of ordinary words such as "rail freight" three times). A mention in the headline
counts three times. Whatever is suggested takes the site's spelling when the site has
that tag, so an import never adds a second spelling of a tag.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from builder.commands.importer.model import collapse, title_key, words
from builder.core.slugs import tag_key

SUGGESTED = 5  # suggestions per article; tags given with --tags or by the source come on top
_COUNTRIES = (  # noqa: SIM905  (a list literal would take 200 lines)
    "Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|"
    "Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and "
    "Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|"
    "Cape Verde|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czechia|"
    "Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Eritrea|Estonia|"
    "Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|"
    "Guatemala|Guinea|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|"
    "Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|"
    "Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|"
    "Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Mauritania|Mauritius|Mexico|Moldova|Monaco|"
    "Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New "
    "Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|"
    "Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|"
    "Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|"
    "Singapore|Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|"
    "Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|"
    "Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|United Kingdom|"
    "United States|Uruguay|Uzbekistan|Vanuatu|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe"
).split("|")
# Other names and demonyms the stem rule below cannot derive (French is not Franc-e).
_ALIASES = {
    "US": "United States", "U.S.": "United States", "USA": "United States",
    "America": "United States", "American": "United States", "UK": "United Kingdom",
    "U.K.": "United Kingdom", "Britain": "United Kingdom", "British": "United Kingdom",
    "UAE": "United Arab Emirates", "Emirati": "United Arab Emirates", "French": "France",
    "German": "Germany", "Dutch": "Netherlands", "Swiss": "Switzerland", "Greek": "Greece",
    "Turkish": "Turkey", "Polish": "Poland", "Spanish": "Spain", "Swedish": "Sweden",
    "Danish": "Denmark", "Finnish": "Finland", "Irish": "Ireland", "Saudi": "Saudi Arabia",
    "Filipino": "Philippines", "Thai": "Thailand", "Afghan": "Afghanistan",
    "Czech": "Czechia", "Portuguese": "Portugal", "Norwegian": "Norway",
}  # fmt: skip
_NOT_ORGS = words(
    "AM PM CEO CFO GDP TV AI ET EST EDT BST GMT UTC CET CEST IST JST AEST PT CT II III IV OK "
    "PR ID FAQ PDF URL USD EUR GBP KM KG MP MPS PHOTO VIDEO UPDATE BREAKING LIVE NEWS PHT HKT "
    "SGT KST WIB MSK EAT WAT CAT SAST NZST NZDT AEDT ACST AWST HST AKST MDT MST CDT CST PDT PST"
)
_STOP = words(
    "a an the and or but of in on at to for from by with as is are was were be been has have "
    "had it its this that these those he she they we you his her their our not no said says "
    "will would could should may might can also than then there here which who whom whose "
    "what when where why how after before over under into about against between during more "
    "most other some such only own same so very just new last first two three one year years "
    "day days week month time people told mr ms mrs per cent percent your my me us them him "
    "been being does did done make made take took like well even still back"
)
_DEMONYM = "(?:n|an|ian|ean|ese|i|ish|ic)"
_CAPS = re.compile(
    r"(?<![\w.])(?:[A-Z][a-z'’]+(?:\s+(?:of|for|and|the|de)\s+|\s+)){1,3}"
    r"[A-Z][a-z'’]+(?![\w])"
)
_ACRONYM = re.compile(r"(?<![\w.])[A-Z][A-Z0-9&]{1,5}(?![\w])")


def tag_pattern(tag: str) -> re.Pattern[str]:
    """Whole word/phrase; acronyms case-sensitive (US is not "us"); single-word names also
    match demonym forms by a stem rule (Iran → Iranian, Europe → European)."""
    words_ = tag.split()
    body = r"[\s-]+".join(re.escape(w) for w in words_)
    if len(words_) == 1 and tag.isalpha() and len(tag) >= 4 and not tag.isupper():
        stem = re.escape(tag[:-1] if tag[-1].lower() in "aeiouy" else tag)
        body = rf"(?:{body}{_DEMONYM}?|{stem}{_DEMONYM})"
    return re.compile(rf"(?<!\w){body}s?(?!\w)", 0 if tag.isupper() else re.I)


def suggest_tags(text: str, vocabulary: Sequence[str], *, headline: str = "") -> tuple[str, ...]:
    """Up to five vocabulary tags the article mentions, most mentioned first.

    A mention in `headline` counts three times; ties keep vocabulary order. Tags keep
    the vocabulary's spelling so the site never gains a second spelling of a tag.
    """
    scores: dict[str, int] = {}
    for tag in map(collapse, vocabulary):
        if tag and title_key(tag) not in map(title_key, scores):
            pattern = tag_pattern(tag)
            scores[tag] = 3 * len(pattern.findall(headline)) + len(pattern.findall(text))
    return tuple(sorted((t for t in scores if scores[t]), key=lambda t: -scores[t])[:SUGGESTED])


def _country_scores(text: str, headline: str) -> Counter[str]:
    scores: Counter[str] = Counter()
    for country in _COUNTRIES:
        pattern = tag_pattern(country)
        scores[country] += 3 * len(pattern.findall(headline)) + len(pattern.findall(text))
    for alias, country in _ALIASES.items():
        pattern = re.compile(rf"(?<![\w.]){re.escape(alias)}(?![\w])")
        scores[country] += 3 * len(pattern.findall(headline)) + len(pattern.findall(text))
    return Counter({c: s for c, s in scores.items() if s})


def text_tags(text: str, *, headline: str = "") -> tuple[str, ...]:
    """Up to five tags the text itself suggests: countries, organisations, key phrases.

    A country needs a mention in the headline or two in the text; an acronym or a name
    must occur twice, a pair of ordinary words three times: one passing mention is not
    what an article is about. Ranked by mentions, a headline mention counting three.
    """
    scores: Counter[str] = Counter()
    for country, score in _country_scores(text, headline).items():
        if score >= 2:
            scores[country] = score
    countries = {title_key(c) for c in _COUNTRIES} | {title_key(a) for a in _ALIASES}
    seen: dict[str, Counter[str]] = {"headline": Counter(), "text": Counter()}
    for where, source in (("headline", headline), ("text", text)):
        found = seen[where]
        for m in _ACRONYM.finditer(source):
            if m.group() not in _NOT_ORGS and m.group() not in _ALIASES:
                found[m.group()] += 1
        for m in _CAPS.finditer(source):
            phrase = collapse(m.group())
            if phrase.split()[0].lower() not in _STOP and title_key(phrase) not in countries:
                found[phrase] += 1
        low = re.findall(r"(?<![\w'’-])[a-z][a-z-]+", source)
        for a, b in zip(low, low[1:], strict=False):
            if a not in _STOP and b not in _STOP and len(a) > 3 and len(b) > 3:
                found[f"{a} {b}"] += 1
    for tag, in_text in seen["text"].items():
        in_headline = seen["headline"][tag]
        lower = tag[0].islower()  # a pair of common words must recur three times
        if in_text + in_headline >= (3 if lower else 2):
            scores[tag] = 3 * in_headline + in_text
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    out: dict[str, str] = {}
    for tag in ranked:
        shown = tag[0].upper() + tag[1:]
        if not any(tag_key(shown) in tag_key(o) or tag_key(o) in tag_key(shown) for o in out):
            out[tag_key(shown)] = shown
    return tuple(out.values())[:SUGGESTED]


def merge(given: Sequence[str], suggested: Sequence[str], vocabulary: Sequence[str]) -> list[str]:
    """Given tags first, then suggestions up to the limit; one spelling per tag, the site's
    where it has the tag."""
    spelling = {tag_key(v): collapse(v) for v in vocabulary}
    tags: dict[str, str] = {}
    for tag in given:
        if tag.strip():
            tags.setdefault(tag_key(tag), spelling.get(tag_key(tag), collapse(tag)))
    count = 0
    for tag in suggested:
        if count < SUGGESTED and tag.strip() and tag_key(tag) not in tags:
            tags[tag_key(tag)] = spelling.get(tag_key(tag), collapse(tag))
            count += 1
    return list(tags.values())

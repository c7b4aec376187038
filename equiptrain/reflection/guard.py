"""The anonymisation guard: finds likely patient-identifiable details in what a learner writes.

The text is normalised first (Unicode NFKC, zero-width and format characters dropped, every kind of space
and dash made plain) so that `9\u200b4\u200b3...` or full-width digits do not slip past; findings point back
at the text as typed. It looks for NHS numbers (10 digits, spaced, dotted or not, with a valid modulus-11 check
digit), record numbers ("MRN 12345678", any run of 7 or more digits), dates of birth ("born in March 1985",
"DOB: ..."), UK phone numbers, UK postcodes, street addresses ("14 Acacia Avenue"), email addresses (also
spelled out: "j.smith at example dot com"), initials with an age ("J.S. aged 42"), and names where rules can
find them: after a title in any case ("mr smith"), in a "Name:" field, beside a role ("John Smith (patient)"),
before a reporting verb ("John Smith said"), after "called", "named" or "known as". A lone initial such as "Mr
X" is how people anonymise, so it passes. No statistical name model is used (none is available offline).

It runs on the server before every save; the author either edits the matches out or confirms that they
identify no one (the measure's public page cannot confirm: it only refuses). It is a safety net, not a
guarantee: the hints on the form still ask people to write without naming anyone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

KINDS = {
    "nhs_number": "possible NHS number",
    "email": "email address",
    "phone": "possible phone number",
    "record_number": "possible record number",
    "postcode": "possible postcode",
    "address": "possible address",
    "date_of_birth": "possible date of birth",
    "initials_age": "initials with an age",
    "name": "possible name",
}
# When two findings overlap, the more specific one is kept.
_PRIORITY = list(KINDS)


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


_NHS = re.compile(r"(?<![\d\w])\d{3}[ .-]?\d{3}[ .-]?\d{4}(?![\d\w])")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)(?:\d[\s\-)]?){8,9}\d(?!\d)")
_POSTCODE = re.compile(r"\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*(\d)([ABD-HJLNP-UW-Z]{2}))\b", re.IGNORECASE)
_ORDINALS = {"st", "nd", "rd", "th"}
_NAME = r"[A-Z][a-z][A-Za-z'\u2019-]*"
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev|revd)"
# A title in any case, an optional initial, then a word of two or more letters ("mr smith", "DR. A. PATEL").
_TITLED_NAME = re.compile(r"\b" + _TITLE + r"\.?\s+(?:[a-z]\.?\s+)?([a-z][a-z'\u2019-]+)", re.IGNORECASE)
_CALLED_NAME = re.compile(r"\b(?:called|named|name is|known as)\s+(" + _NAME + r")")
# Capitalised words that follow "called" without being anyone's name.
_NOT_NAMES = {"The", "A", "An", "Our", "Their", "His", "Her", "My", "Your", "This", "That", "It", "Team", "Home"}
# Words that follow a title without being a name ("Dr is on leave", "the Dr said").
_NOT_AFTER_TITLE = {
    "is", "was", "and", "or", "to", "the", "said", "says", "has", "had", "will", "would", "from", "for", "who",
    "on", "in", "at", "of", "with", "did", "does", "saw", "sees", "asked", "agreed", "came", "not", "as", "be",
}  # fmt: skip
# Capitalised words that are services, documents or roles, not people ("Care Plan said", "Crisis Team wants").
_NOT_NAME_WORDS = {
    "Care", "Plan", "Team", "Mental", "Health", "Service", "Services", "Crisis", "Community", "Ward", "Trust",
    "Recovery", "College", "Support", "Group", "Patient", "Safety", "Carer", "Carers", "Social",
    "Council", "Court", "Home", "Office", "Unit", "Clinic", "Centre", "Hospital", "Both", "Then", "When",
    "We", "They", "She", "He", "I", "You", "In", "On", "At", "After", "Before", "Today", "Yesterday",
}  # fmt: skip
_ROLES = (
    r"(?:patient|service[ -]user|client|carer|resident|inpatient|outpatient|son|daughter|mother|mum|father|dad|"
    r"wife|husband|partner|brother|sister|grandmother|grandfather|friend|neighbour)"
)
_FULL_NAME = r"([A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+)+)"
_ROLE_AFTER = re.compile(r"\b" + _FULL_NAME + r"\s*(?:\(\s*|,\s*(?:the\s+|a\s+|our\s+|my\s+)?)" + _ROLES + r"\b")
_ROLE_BEFORE = re.compile(r"(?i:\b" + _ROLES + r")\s*[:,-]?\s+" + _FULL_NAME)
_NAME_SAID = re.compile(
    _FULL_NAME + r"\s+(?:said|says|told|tells|reported|explained|wants|wanted|asked|stated|felt|feels)\b"
)
# A form-style label followed by a value: "Name: John Smith", "surname - smith", "Client name=Jo".
_NAME_FIELD = re.compile(
    r"\b(?:(?:full|first|last|sur|given|patient|client|service user|carer'?s?)\s*)?name\s*[:=\-]\s*[^\s,;.]+"
    r"(?:[ \t]+[A-Za-z][A-Za-z'\u2019-]+)?",
    re.IGNORECASE,
)
_RECORD_LABEL = (
    r"(?:mrn|m\.r\.n\.?|(?:hospital|record|case|patient|client|rio|nhs|chi|paris|system|mosaic|id)\s*"
    r"(?:no\.?|num(?:ber)?|id|#)|nhs|rio|chi|id)"
)
_RECORD = re.compile(r"\b" + _RECORD_LABEL + r"\s*[:#.=\-]?\s*(?:no\.?\s*)?[a-z]{0,3}\d[\d -]{3,}\d", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<![\d\w])\d{7,}(?![\d\w])")
_STREET = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|way|crescent|cres|court|ct|place|gardens|gdns|"
    r"terrace|grove|square|sq|mews|hill|park|row|rise|walk|parade|boulevard|vale|green)"
)
_ADDRESS_WORD_STOP = {
    "the", "a", "an", "in", "of", "to", "and", "at", "on", "for", "minute", "minutes", "mile", "miles", "year",
    "years", "day", "days", "week", "weeks", "times", "people", "our", "my",
}  # fmt: skip
_ADDRESS = re.compile(
    r"\b(?:flat\s+\d+[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+((?:[a-z'\u2019-]+\s+){1,3})" + _STREET + r"\b\.?",
    re.IGNORECASE,
)
_ADDRESS_FIELD = re.compile(r"\b(?:home\s+)?address\s*[:=\-]\s*[^\s,;.]+", re.IGNORECASE)
_DOT = r"(?:\.|\s*[\(\[\{]\s*dot\s*[\)\]\}]\s*|\s+dot\s+)"
_AT = r"(?:@|\s*[\(\[\{]\s*at\s*[\)\]\}]\s*|\s+at\s+)"
_TLD = r"(?:com|org|net|uk|co|nhs|gov|ac|io|info|me|email|mail|ie|eu|biz)"
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.])[a-z0-9][\w.+'-]*" + _AT + r"[a-z0-9-]+(?:" + _DOT + r"[a-z0-9-]+)*" + _DOT + _TLD + r"\b",
    re.IGNORECASE,
)
_INITIALS = r"(?:\b(?:[A-Za-z]\.\s?){2,3}|\b[A-Z]{2,3}\b)"
_AGE = r"(?:,?\s*(?:aged?|age:?)\s*\d{1,3}\b|,?\s*\(\s*\d{1,3}\s*\)|,?\s+\d{1,3}\s*(?:yo\b|y/o|years?\s+old|yrs?\b))"
_INITIALS_AGE = re.compile(_INITIALS + _AGE)
_DOB_FIELD = re.compile(r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth)\s*[:=\-]?\s*[^\s,;]+", re.IGNORECASE)
_MONTHS = {
    m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATES = [
    (re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b"), "dmy"),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})\b", re.IGNORECASE), "d_month_y"),
    (re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE), "month_d_y"),
]
_DOB_WORDS = re.compile(
    r"(?:\bd\.?o\.?b\b\.?|date of birth|\bborn\b|\bbirthday\b)[\s:,-]*(?:on\s+|is\s+)?$", re.IGNORECASE
)
_BORN = re.compile(
    r"\bborn\s+(?:in\s+|on\s+)?(?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:"
    + _MONTH
    + r",?\s+)?(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
# A full date this many years back is more likely someone's birth than an event a learner reflects on.
_BIRTH_YEARS_AGO = 16


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str):
    for m in _NHS.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", m.group())):
            yield Match("nhs_number", m.start(), m.end(), m.group())


def _phones(text: str):
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits.startswith("0044"):
            digits = "0" + digits[4:]
        elif digits.startswith("44") and m.group().lstrip().startswith("+"):
            digits = "0" + digits[2:]
        if digits.startswith("00"):  # the (0) of +44 (0)...
            digits = digits[1:]
        if len(digits) in (10, 11) and digits[1] in "1235789":
            yield Match("phone", m.start(), m.end(), m.group())


def _postcodes(text: str):
    for m in _POSTCODE.finditer(text):
        inward = m.group(3) or ""
        if inward in _ORDINALS:  # "B1 2nd" is a room and an ordinal, not a postcode; "B1 2ND" is flagged
            continue
        yield Match("postcode", m.start(), m.end(), m.group())


def _names(text: str):
    for m in _TITLED_NAME.finditer(text):
        word = m.group(1).lower()
        if word in _NOT_AFTER_TITLE or (m.group().startswith("MS") and m.group()[:3] != "MS."):
            continue  # "Dr is on leave"; "MS" is as often multiple sclerosis as a title
        yield Match("name", m.start(), m.end(), m.group())
    for m in _CALLED_NAME.finditer(text):
        if m.group(1) not in _NOT_NAMES:
            yield Match("name", m.start(1), m.end(1), m.group(1))
    for m in _NAME_FIELD.finditer(text):
        yield Match("name", m.start(), m.end(), m.group())
    for pattern in (_ROLE_AFTER, _ROLE_BEFORE, _NAME_SAID):
        for m in pattern.finditer(text):
            words = m.group(1).split()
            if not any(w in _NOT_NAMES or w in _NOT_NAME_WORDS for w in words):
                yield Match("name", m.start(1), m.end(1), m.group(1))


def _records(text: str):
    for m in _RECORD.finditer(text):
        yield Match("record_number", m.start(), m.end(), m.group())
    for m in _LONG_NUMBER.finditer(text):
        yield Match("record_number", m.start(), m.end(), m.group())


def _addresses(text: str):
    for m in _ADDRESS.finditer(text):
        if not any(w.lower() in _ADDRESS_WORD_STOP for w in m.group(1).split()):
            yield Match("address", m.start(), m.end(), m.group())
    for m in _ADDRESS_FIELD.finditer(text):
        yield Match("address", m.start(), m.end(), m.group())


def _others(text: str):
    for m in _SPELLED_EMAIL.finditer(text):
        yield Match("email", m.start(), m.end(), m.group())
    for m in _INITIALS_AGE.finditer(text):
        yield Match("initials_age", m.start(), m.end(), m.group())
    for pattern in (_BORN, _DOB_FIELD):
        for m in pattern.finditer(text):
            yield Match("date_of_birth", m.start(), m.end(), m.group())


def _year(value: str, today: dt.date) -> int:
    year = int(value)
    if len(value) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _dates_of_birth(text: str, today: dt.date):
    for pattern, order in _DATES:
        for m in pattern.finditer(text):
            g = m.groups()
            try:
                if order == "dmy":
                    day, month, year = int(g[0]), int(g[1]), _year(g[2], today)
                elif order == "ymd":
                    year, month, day = int(g[0]), int(g[1]), int(g[2])
                elif order == "d_month_y":
                    day, month, year = int(g[0]), _MONTHS[g[1][:3].lower()], int(g[2])
                else:
                    month, day, year = _MONTHS[g[0][:3].lower()], int(g[1]), int(g[2])
                dt.date(year, month, day)
            except (ValueError, KeyError):
                continue
            labelled = _DOB_WORDS.search(text[max(0, m.start() - 30) : m.start()])
            if labelled or year <= today.year - _BIRTH_YEARS_AGO:
                yield Match("date_of_birth", m.start(), m.end(), m.group())


# Zero-width and other invisible format characters people (or attackers) put between digits and letters.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Mn", "Me"}


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the rules read it, and for each of its characters the index of the character it came from.

    NFKC folds full-width and styled letters and digits to plain ones; format characters (zero-width spaces and
    joiners, soft hyphens, direction marks) and combining marks are dropped; every space and line separator
    becomes a space and every dash a hyphen. Line breaks and tabs stay (as spaces, tabs)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in "\n\t":
            out.append(ch)
            index.append(i)
            continue
        for c in unicodedata.normalize("NFKD" if unicodedata.category(ch) == "Mn" else "NFKC", ch):
            category = unicodedata.category(c)
            if category in _INVISIBLE_CATEGORIES:
                continue
            if category in ("Zs", "Zl", "Zp"):
                c = " "
            elif category == "Pd":
                c = "-"
            elif c in "\u2018\u2019\u02bc":
                c = "'"
            out.append(c)
            index.append(i)
    return "".join(out), index


def check(text: str, today: dt.date | None = None) -> list[Match]:
    """Every likely identifier in `text`, in order; overlapping findings keep the most specific. Rules run on
    the normalised text; each match's offsets and text are those of the text as typed."""
    if not text:
        return []
    today = today or dt.date.today()
    plain, index = normalise(text)
    found = [Match(m.kind, index[m.start], index[m.end - 1] + 1, "") for m in _find(plain, today) if m.end > m.start]
    found.sort(key=lambda m: _PRIORITY.index(m.kind))  # stable: within a kind, the earlier rule wins
    kept: list[Match] = []
    for match in found:
        if not any(match.start < k.end and k.start < match.end for k in kept):
            kept.append(Match(match.kind, match.start, match.end, text[match.start : match.end]))
    return sorted(kept, key=lambda m: m.start)


def _find(text: str, today: dt.date) -> list[Match]:
    return [
        *_nhs_numbers(text),
        *(Match("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)),
        *_phones(text),
        *_postcodes(text),
        *_dates_of_birth(text, today),
        *_records(text),
        *_addresses(text),
        *_others(text),
        *_names(text),
    ]


def check_fields(fields: dict[str, str]) -> dict[str, list[Match]]:
    """Check several texts at once: {key: matches} for the keys with any."""
    results = {key: check(value) for key, value in fields.items() if isinstance(value, str)}
    return {key: matches for key, matches in results.items() if matches}


def highlight(text: str, matches: list[Match]) -> Markup:
    """The text with each match marked in place (and named for screen readers); line breaks kept."""
    out, pos = [], 0
    for m in matches:
        out.append(escape(text[pos : m.start]))
        out.append(
            Markup('<mark class="et-guard-match">{}<span class="nhsuk-u-visually-hidden"> ({})</span></mark>').format(
                m.text, m.label
            )
        )
        pos = m.end
    out.append(escape(text[pos:]))
    return Markup("".join(out)).replace("\n", Markup("<br>"))

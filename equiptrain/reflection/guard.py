"""The anonymisation guard: finds likely patient-identifiable details in what a learner writes.

It looks for NHS numbers (10 digits, spaced or not, with a valid modulus-11 check digit), dates of birth, UK
phone numbers, UK postcodes, email addresses, and names where they can be detected (after a title such as
"Mrs", or after "called", "named" or "known as"; a lone initial such as "Mr X" is how people anonymise, so it
passes). It runs on the server before every save; the author either
edits the matches out or confirms that they identify no one. It is a safety net, not a guarantee: the hints on
the form still ask people to write without naming anyone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

KINDS = {
    "nhs_number": "possible NHS number",
    "email": "email address",
    "phone": "possible phone number",
    "postcode": "possible postcode",
    "date_of_birth": "possible date of birth",
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


_NHS = re.compile(r"(?<![\d\w])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d\w])")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)(?:\d[\s\-)]?){8,9}\d(?!\d)")
_POSTCODE = re.compile(r"\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*(\d)([ABD-HJLNP-UW-Z]{2}))\b", re.IGNORECASE)
_ORDINALS = {"st", "nd", "rd", "th"}
_NAME = r"[A-Z][a-z][A-Za-z'\u2019-]*"
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(?:[A-Z]\.?\s+)?" + _NAME)
_CALLED_NAME = re.compile(r"\b(?:called|named|name is|known as)\s+(" + _NAME + r")")
# Capitalised words that follow "called" without being anyone's name.
_NOT_NAMES = {"The", "A", "An", "Our", "Their", "His", "Her", "My", "Your", "This", "That", "It", "Team", "Home"}
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
        yield Match("name", m.start(), m.end(), m.group())
    for m in _CALLED_NAME.finditer(text):
        if m.group(1) not in _NOT_NAMES:
            yield Match("name", m.start(1), m.end(1), m.group(1))


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


def check(text: str, today: dt.date | None = None) -> list[Match]:
    """Every likely identifier in `text`, in order; overlapping findings keep the most specific."""
    if not text:
        return []
    today = today or dt.date.today()
    found = [
        *_nhs_numbers(text),
        *(Match("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)),
        *_phones(text),
        *_postcodes(text),
        *_dates_of_birth(text, today),
        *_names(text),
    ]
    found.sort(key=lambda m: (_PRIORITY.index(m.kind), m.start))
    kept: list[Match] = []
    for match in found:
        if not any(match.start < k.end and k.start < match.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: m.start)


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

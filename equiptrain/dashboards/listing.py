"""Sorting and filtering the team matrix and the organisation table from the query string (no JavaScript).
Anything unknown in the query string is ignored, never an error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from equiptrain.accounts.models import Profession
from equiptrain.dashboards import requirements as rules

_FAR = dt.date.max
_STATUS_ORDER = {rules.NOT_STARTED: 0, rules.IN_PROGRESS: 1, rules.COMPLETE: 2}


@dataclass(frozen=True)
class Listing:
    sort: str
    descending: bool
    profession: str = ""
    status: str = ""
    overdue: str = ""
    org: str = ""  # the organisation a platform administrator chose

    def params(self, **changes) -> dict:
        values = {
            "org": self.org,
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
            "profession": self.profession,
            "status": self.status,
            "overdue": self.overdue,
            **changes,
        }
        return {k: v for k, v in values.items() if v}

    def query(self, **changes) -> str:
        return "?" + urlencode(self.params(**changes))

    def sort_link(self, key: str) -> str:
        """The link a column heading points at: this column ascending, or reversed if it is already sorted."""
        return self.query(sort=key, dir="asc" if self.sort != key or self.descending else "desc")

    def aria_sort(self, key: str) -> str:
        if self.sort != key:
            return "none"
        return "descending" if self.descending else "ascending"

    @property
    def filtered(self) -> bool:
        return bool(self.profession or self.status or self.overdue)


def parse(args, sort_keys, default: str = "name") -> Listing:
    sort = args.get("sort", default)
    profession = args.get("profession", "")
    status = args.get("status", "")
    overdue = args.get("overdue", "")
    org = args.get("org", "")
    return Listing(
        sort if sort in sort_keys else default,
        args.get("dir") == "desc",
        profession if profession in {p.value for p in Profession} else "",
        status if status in rules.STATUS_LABELS else "",
        overdue if overdue in ("yes", "no") else "",
        org if org.isdigit() and len(org) < 10 else "",
    )


def matrix_sort_keys(modules) -> set[str]:
    return {
        "name",
        "profession",
        "status",
        "deadline",
        "core",
        "follow_ups",
        "certificates",
        "entries",
        "latest_entry",
    } | {f"m-{m.slug}" for m in modules}


def apply_to_matrix(rows, listing: Listing, modules):
    """Filter, then sort (ties by name); a person who never started a module sorts before one in progress."""
    if listing.profession:
        rows = [r for r in rows if r.profession.value == listing.profession]
    if listing.status:
        rows = [r for r in rows if r.status == listing.status]
    if listing.overdue:
        rows = [r for r in rows if r.overdue == (listing.overdue == "yes")]
    by_slug = {f"m-{m.slug}": m.id for m in modules}

    def key(r):
        s = listing.sort
        if s in by_slug:
            cell = r.modules.get(by_slug[s])
            return (_STATUS_ORDER[cell.status] if cell else 0, cell.on or _FAR if cell else _FAR)
        return {
            "name": lambda: (),
            "profession": lambda: (r.profession.label,),
            "status": lambda: (_STATUS_ORDER[r.status], not r.overdue),
            "deadline": lambda: (r.deadline or _FAR,),
            "core": lambda: (r.core_on or _FAR,),
            "follow_ups": lambda: (r.follow_ups,),
            "certificates": lambda: (r.certificates,),
            "entries": lambda: (r.entries,),
            "latest_entry": lambda: (r.latest_entry or dt.date.min,),
        }[s]()

    rows = sorted(rows, key=lambda r: r.name.lower())
    return sorted(rows, key=key, reverse=listing.descending)


ORG_SORT_KEYS = {"name", "staff", "complete", "overdue", "trained", "held", "attended", "follow_up_due", "confidence"}


def apply_to_organisation(lines, listing: Listing):
    def key(line):
        return {
            "name": (),
            "staff": (line.staff,),
            "complete": (line.percent_complete,),
            "overdue": (line.overdue,),
            "trained": (line.trained,),
            "held": (line.held,),
            "attended": (line.core_attended,),
            "follow_up_due": (line.follow_up_due,),
            # Hidden (under the group size) sorts below every figure.
            "confidence": (
                (0, 0.0) if not line.confidence.shown or line.confidence.change is None else (1, line.confidence.change)
            ),
        }[listing.sort]

    lines = sorted(lines, key=lambda line: line.name.lower())
    return sorted(lines, key=key, reverse=listing.descending)

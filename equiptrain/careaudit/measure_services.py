"""The involvement measure's rules: opening and closing a team's round, taking an anonymous response (on a
phone or typed in from paper), and what may be reported (through `equiptrain.release`: nothing before the round
closes, nothing under MIN_GROUP_SIZE, service users and carers apart only when each group reaches it)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select

from equiptrain import release
from equiptrain.accounts.models import Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.authz import can
from equiptrain.careaudit.measure_models import (
    COMMENT_MAX,
    MeasureResponse,
    MeasureRound,
    MeasureRoundKind,
    Respondent,
    ResponseMode,
)
from equiptrain.content.measures import score
from equiptrain.content.models import MeasureInstrument
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection import guard

LONGEST_ROUND_DAYS = 183
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied from paper


def today() -> dt.date:
    return utcnow().date()


def instruments() -> list[MeasureInstrument]:
    return list(
        db.session.scalars(
            select(MeasureInstrument).where(MeasureInstrument.retired_at.is_(None)).order_by(MeasureInstrument.title)
        )
    )


def _token() -> str:
    while True:
        token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(8))
        if db.session.scalar(select(MeasureRound.id).where(MeasureRound.token == token)) is None:
            return token


def open_round(
    actor: User,
    team: Team,
    instrument: MeasureInstrument | None,
    *,
    label: str,
    kind: MeasureRoundKind,
    opens_on: dt.date,
    closes_on: dt.date,
) -> MeasureRound:
    """A manager, trainer or administrator opens a round of the measure for the team, with a closing date."""
    if not can(actor, "audit", team):
        raise ServiceError("Only the team's managers, its trainers and administrators run its involvement measure.")
    if instrument is None or instrument.retired_at is not None:
        raise ServiceError("Choose one of the questionnaires listed.", "instrument")
    label = (label or "").strip()
    if not label or len(label) > 120:
        raise ServiceError(
            "Give the round a name of up to 120 characters, for example 'Baseline, spring 2027'.", "label"
        )
    if closes_on < opens_on:
        raise ServiceError("The closing date must be on or after the opening date.", "closes_on")
    if closes_on < today():
        raise ServiceError("The closing date has passed: choose a date from today on.", "closes_on")
    if (closes_on - opens_on).days > LONGEST_ROUND_DAYS:
        raise ServiceError("Keep a round to six months or less, so its results describe one period.", "closes_on")
    round_ = MeasureRound(
        team=team,
        instrument=instrument,
        content_hash=instrument.content_hash,
        definition=instrument.definition,
        label=label,
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        token=_token(),
        created_by_id=actor.id,
    )
    db.session.add(round_)
    db.session.flush()
    log_event("measure.round_opened", actor, team, round_id=round_.id, kind=kind.value)
    return round_


def close_round(actor: User, round_: MeasureRound) -> None:
    """Close early (a round also closes by itself after its closing date). A closed round never reopens: its
    results, once shown, must never change."""
    if not can(actor, "audit", round_.team):
        raise ServiceError("Only the team's managers, its trainers and administrators run its involvement measure.")
    if round_.is_closed(today()):
        raise ServiceError("This round is already closed.")
    round_.closed_at = utcnow()
    db.session.flush()
    log_event("measure.round_closed", actor, round_.team, round_id=round_.id)


def by_token(token: str) -> MeasureRound | None:
    token = (token or "").strip().lower()
    if not token or len(token) > 16:
        return None
    return db.session.scalar(select(MeasureRound).where(MeasureRound.token == token))


def statements_for(round_: MeasureRound, respondent: Respondent) -> list[dict]:
    return [s for s in round_.definition["statements"] if respondent.value in s["respondents"]]


def submit(
    round_: MeasureRound,
    *,
    respondent: str | None,
    answers: Mapping[str, str | None],
    comment: str = "",
    easy_read: bool = False,
    mode: ResponseMode = ResponseMode.PHONE,
    entered_by: User | None = None,
) -> MeasureResponse:
    """Store one anonymous response. `answers` maps statement slugs to a point of the scale, "na" (does not
    apply) or nothing. Paper responses are typed in by someone who runs the team's measure; who typed them is
    not stored (only that they came on paper)."""
    if mode is ResponseMode.PAPER and (entered_by is None or not can(entered_by, "audit", round_.team)):
        raise ServiceError("Only the team's managers, its trainers and administrators type in paper responses.")
    if not round_.is_accepting(today()):
        raise ServiceError(
            "This questionnaire is closed, so no more answers can be taken. Thank you for wanting to help."
            if round_.is_closed(today())
            else f"This questionnaire opens on {round_.opens_on:%-d %B %Y}."
        )
    try:
        who = Respondent(respondent or "")
    except ValueError:
        raise ServiceError("Say whether you are answering about your own care or as a carer.", "respondent") from None
    scale = round_.definition["scale"]
    low, high = int(scale["min"]), int(scale["max"])
    clean: dict[str, int | None] = {}
    for s in statements_for(round_, who):
        given = (answers.get(s["slug"]) or "").strip()
        if not given:
            continue
        if given == "na" and scale.get("not_applicable"):
            clean[s["slug"]] = None
            continue
        try:
            value = int(given)
        except ValueError:
            raise ServiceError(f"Choose one of the answers from {low} to {high}.", s["slug"]) from None
        if not low <= value <= high:
            raise ServiceError(f"Choose one of the answers from {low} to {high}.", s["slug"])
        clean[s["slug"]] = value
    if not any(v is not None for v in clean.values()):
        raise ServiceError("Answer at least one question before sending.")
    comment = (comment or "").strip()
    if comment:
        if len(comment) > COMMENT_MAX:
            raise ServiceError(f"Keep your answer to {COMMENT_MAX} characters or fewer.", "comment")
        found = guard.check(comment)
        if found:
            kinds = sorted({m.label for m in found}, key=list(guard.KINDS.values()).index)
            raise ServiceError(
                f"Your answer may contain {' and '.join(kinds)}. Please take out anything that could show who "
                "anyone is (names, numbers, addresses, dates of birth), then send it again.",
                "comment",
            )
    response = MeasureResponse(
        round_id=round_.id,
        respondent=who,
        mode=mode,
        easy_read=bool(easy_read),
        answers=clean,
        comment=comment or None,
        submitted_on=today(),
    )
    db.session.add(response)
    db.session.flush()
    if entered_by is not None:
        # The audit log says a paper form was typed in for the round; it does not point at the response.
        log_event("measure.paper_entered", entered_by, round_.team, round_id=round_.id)
    return response


# -- reporting ---------------------------------------------------------------------------------------------------


@dataclass
class GroupFigures:
    label: str
    n: int
    score: float | None  # the mean of the responses' scores
    statements: list[tuple[str, float | None]] = field(default_factory=list)  # (statement, mean answer)


@dataclass
class RoundResult:
    round: MeasureRound
    responses: int
    release: release.Release
    paper: int = 0
    groups: list[GroupFigures] = field(default_factory=list)  # the combined figure first, then each group apart
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.release.shown


def _figures(label: str, definition: dict, rows: list[MeasureResponse]) -> GroupFigures:
    scores = [s for r in rows if (s := score(definition, r.answers)) is not None]
    statements = []
    for s in definition["statements"]:
        values = [v for r in rows if (v := r.answers.get(s["slug"])) is not None]
        statements.append((s["text"], round(sum(values) / len(values), 2) if values else None))
    return GroupFigures(label, len(rows), round(sum(scores) / len(scores), 2) if scores else None, statements)


def counts(round_ids: list[int]) -> dict[int, int]:
    """How many responses each round has (a count, not an answer: shown while a round is open)."""
    if not round_ids:
        return {}
    return dict(
        db.session.execute(
            select(MeasureResponse.round_id, func.count())
            .where(MeasureResponse.round_id.in_(round_ids))
            .group_by(MeasureResponse.round_id)
        ).all()
    )


def result(round_: MeasureRound, n: int | None = None) -> RoundResult:
    """What may be shown for one round: nothing while open or under the minimum; then the combined figures, and
    service users and carers apart only when both groups reach the minimum."""
    k = int(current_app.config["MIN_GROUP_SIZE"])
    if n is None:
        n = counts([round_.id]).get(round_.id, 0)
    out = RoundResult(round_, n, release.closed_round(n, round_.is_closed(today()), k))
    if not out.shown:
        return out
    rows = list(db.session.scalars(select(MeasureResponse).where(MeasureResponse.round_id == round_.id)))
    out.paper = sum(r.mode is ResponseMode.PAPER for r in rows)
    out.groups.append(_figures("Everyone", round_.definition, rows))
    by_group = Counter(r.respondent for r in rows)
    if len(by_group) > 1 and release.groups_apart({g.value: c for g, c in by_group.items()}, k):
        for group in Respondent:
            out.groups.append(_figures(group.label, round_.definition, [r for r in rows if r.respondent is group]))
    out.comments = sorted((r.comment for r in rows if r.comment), key=lambda _: secrets.randbelow(1 << 30))
    return out


def team_rounds(team: Team) -> list[MeasureRound]:
    return list(
        db.session.scalars(
            select(MeasureRound).where(MeasureRound.team_id == team.id).order_by(MeasureRound.opens_on, MeasureRound.id)
        )
    )


def organisation_rounds(organisation_id: int) -> list[tuple[MeasureRound, int]]:
    rounds = list(
        db.session.scalars(
            select(MeasureRound)
            .join(Team, Team.id == MeasureRound.team_id)
            .where(Team.organisation_id == organisation_id)
            .order_by(Team.name, MeasureRound.opens_on)
        )
    )
    n = counts([r.id for r in rounds])
    return [(r, n.get(r.id, 0)) for r in rounds]


def purge_expired_responses(now: dt.date | None = None) -> int:
    """Delete the responses of rounds that closed more than MEASURE_RETENTION_YEARS ago, as the privacy notice
    promises (the round itself stays, so the team's list of rounds keeps its history). Returns how many went."""
    today_ = now or today()
    years = int(current_app.config["MEASURE_RETENTION_YEARS"])
    try:
        cutoff = today_.replace(year=today_.year - years)
    except ValueError:  # 29 February
        cutoff = today_.replace(year=today_.year - years, day=28)
    closed = [
        r.id
        for r in db.session.scalars(select(MeasureRound).where(MeasureRound.closes_on < cutoff + dt.timedelta(days=1)))
        if (r.closed_at.date() if r.closed_at else r.closes_on) < cutoff
    ]
    if not closed:
        return 0
    gone = db.session.execute(delete(MeasureResponse).where(MeasureResponse.round_id.in_(closed)))
    return int(getattr(gone, "rowcount", 0) or 0)


def register_schedule() -> None:
    from equiptrain.jobs import schedule

    schedule.register(
        "measure.purge",
        purge_expired_responses,
        every="day",
        description="Delete involvement-measure responses kept for their full retention period",
    )

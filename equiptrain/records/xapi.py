"""xAPI statements to the organisation's learning record store, through a durable outbox of their own.

Listeners on the events in `signals` turn learning into statements, stored in `XapiStatement` inside the
transaction of the event (so a statement exists exactly when its event does). `deliver_pending()` sends what is
due, one statement at a time, each with its stable id (a UUID v5 of the event): an LRS that answers that the id is
already stored has it, so a retry never duplicates. A failure is retried with back-off (XAPI_BACKOFF_SECONDS,
doubling, at most XAPI_BACKOFF_MAX_SECONDS) until XAPI_MAX_ATTEMPTS; a statement the LRS refuses as invalid fails
at once. Off unless configured: XAPI_ENDPOINT, XAPI_USERNAME, XAPI_PASSWORD for every organisation, or
XAPI_ORGANISATIONS = {"Organisation name": {"endpoint": ..., "username": ..., "password": ...}} per organisation.

Vocabulary: ADL's verbs (registered, attended, completed, passed, failed, responded, achieved) and activity types
(meeting, module, assessment, simulation, survey) as Moodle's and Open edX's xAPI exports use them, and the xAPI
credential profile's activity type for a certificate. Statements carry events, dates, durations and scores only:
never a reflective entry, never anything a learner wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import requests
from flask import current_app
from sqlalchemy import func, select

from equiptrain.accounts.models import Organisation, User
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.records.models import XapiActor, XapiStatement
from equiptrain.records.staffsync import settings_for
from equiptrain.transaction import end_transaction

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("6f1c3f1e-3a51-5d39-9a54-4c1f0e0b2a21")  # EquipTrain's namespace for statement ids
VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ADL + "registered",
    "attended": ADL + "attended",
    "completed": ADL + "completed",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "responded": ADL + "responded",
    "achieved": ADL + "achieved",
}
ACTIVITY = "http://adlnet.gov/expapi/activities/"
TYPES = {
    "course": ACTIVITY + "course",
    "meeting": ACTIVITY + "meeting",
    "module": ACTIVITY + "module",
    "assessment": ACTIVITY + "assessment",
    "simulation": ACTIVITY + "simulation",
    "survey": ACTIVITY + "survey",
    "credential": "https://w3id.org/xapi/cred/activities/credential",
}


# -- configuration ------------------------------------------------------------------------------------------------


def lrs_for(organisation: Organisation | None) -> dict | None:
    """The LRS an organisation's statements go to ({endpoint, username, password}), or None: xAPI is off for it."""
    if organisation is None:
        return None
    per_org = current_app.config.get("XAPI_ORGANISATIONS") or {}
    found = per_org.get(organisation.name)
    if found and found.get("endpoint"):
        return {"endpoint": found["endpoint"], "username": found.get("username"), "password": found.get("password")}
    if current_app.config.get("XAPI_ENDPOINT"):
        return {
            "endpoint": current_app.config["XAPI_ENDPOINT"],
            "username": current_app.config.get("XAPI_USERNAME"),
            "password": current_app.config.get("XAPI_PASSWORD"),
        }
    return None


# -- building statements -----------------------------------------------------------------------------------------


def statement_id(key: str) -> str:
    """The stable id of the statement for one event: the same event always gives the same id. The key names the
    event by its row and its time (a row id alone could come again after a restore from a backup)."""
    return str(uuid.uuid5(NAMESPACE, f"{current_app.config['PUBLIC_URL']}|{key}"))


def _iri(kind: str, ref: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/xapi/{kind}/{ref}"


def actor_for(user: User, organisation: Organisation) -> dict:
    """An `account` actor: the organisation's address, and an opaque stable id (or, where the organisation chooses,
    the employee number). Never a name or an email address."""
    settings = settings_for(organisation)
    home = settings.home_page or current_app.config["PUBLIC_URL"]
    if settings.actor_employee_number and user.employee_number:
        name = user.employee_number
    else:
        row = db.session.get(XapiActor, user.id)
        if row is None:
            row = XapiActor(user_id=user.id, name=str(uuid.uuid4()))
            db.session.add(row)
            db.session.flush()
        name = row.name
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


def _activity(kind: str, ref: str, type_: str, name: str) -> dict:
    return {
        "objectType": "Activity",
        "id": _iri(kind, ref),
        "definition": {"type": TYPES[type_], "name": {"en-GB": name}},
    }


def _timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _duration(hours: float) -> str:
    minutes = round(hours * 60)
    return f"PT{minutes // 60}H{minutes % 60}M"


def queue(user: User, key: str, verb: str, obj: dict, at: dt.datetime, result: dict | None = None) -> None:
    """Put one statement in the outbox (in the caller's transaction), unless xAPI is off for the person's
    organisation or the event already has its statement."""
    organisation = user.organisation
    if organisation is None or lrs_for(organisation) is None:
        return
    sid = statement_id(key)
    if db.session.get(XapiStatement, sid) is not None:
        return
    body: dict = {
        "id": sid,
        "actor": actor_for(user, organisation),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "timestamp": _timestamp(at),
        "context": {
            "platform": "EquipTrain",
            "language": "en-GB",
            "contextActivities": {"grouping": [_activity("course", "equip", "course", "EQUIP training programme")]},
        },
    }
    if result:
        body["result"] = result
    db.session.add(
        XapiStatement(
            id=sid,
            organisation_id=organisation.id,
            user_id=user.id,
            verb=verb,
            statement=body,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
    )
    db.session.flush()


# -- listeners: one per event ---------------------------------------------------------------------------------------


def on_workshop_registered(user, workshop, at, **_):
    obj = _activity("workshop", str(workshop.id), "meeting", workshop.title)
    queue(user, f"workshop-registered:{workshop.id}:{user.id}:{_timestamp(at)}", "registered", obj, at)


def on_workshop_attended(user, workshop, hours, at, **_):
    obj = _activity("workshop", str(workshop.id), "meeting", workshop.title)
    result = {"completion": True, "duration": _duration(hours)}
    queue(user, f"workshop-attended:{workshop.id}:{user.id}:{_timestamp(at)}", "attended", obj, at, result)


def on_module_completed(user, module, at, **_):
    obj = _activity("module", module.slug, "module", module.title)
    queue(
        user, f"module-completed:{module.slug}:{user.id}:{_timestamp(at)}", "completed", obj, at, {"completion": True}
    )


def on_quiz_submitted(user, attempt, module, **_):
    obj = _activity("knowledge-check", module.slug, "assessment", f"Knowledge check: {module.title}")
    result = {
        "score": {"scaled": round(attempt.score / 100, 4), "raw": attempt.correct, "min": 0, "max": attempt.total},
        "success": bool(attempt.passed),
        "completion": True,
    }
    verb = "passed" if attempt.passed else "failed"
    queue(
        user,
        f"quiz-attempt:{attempt.id}:{user.id}:{_timestamp(attempt.submitted_at)}",
        verb,
        obj,
        attempt.submitted_at,
        result,
    )


def on_practice_completed(user, attempt, scenario, **_):
    module = db.session.get(Module, scenario.module_id)
    ref = f"{module.slug if module else scenario.module_id}/{scenario.slug}"
    obj = _activity("practice", ref, "simulation", f"Solo practice: {scenario.title}")
    queue(
        user,
        f"practice-attempt:{attempt.id}:{user.id}:{_timestamp(attempt.finished_at)}",
        "completed",
        obj,
        attempt.finished_at,
        {"completion": True},
    )


def on_certificate_issued(user, certificate, **_):
    obj = _activity("certificate", certificate.achievement, "credential", certificate.title)
    queue(
        user,
        f"certificate:{certificate.id}:{certificate.code}",
        "achieved",
        obj,
        certificate.issued_at,
        {"completion": True},
    )


def on_confidence_answered(user, module, phase, response_id, at, **_):
    # "responded" and nothing else: the answers stay on the platform.
    obj = _activity(
        "confidence", f"{module.slug}/{phase}", "survey", f"Confidence self-assessment ({phase}): {module.title}"
    )
    queue(user, f"confidence:{response_id}:{user.id}:{_timestamp(at)}", "responded", obj, at)


# -- delivery ---------------------------------------------------------------------------------------------------------


def _backoff(attempts: int) -> dt.timedelta:
    first = int(current_app.config["XAPI_BACKOFF_SECONDS"])
    most = int(current_app.config["XAPI_BACKOFF_MAX_SECONDS"])
    return dt.timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), most))


def _send(lrs: dict, body: dict) -> tuple[str, str | None]:
    """Send one statement: ("sent", None), ("retry", why) or ("failed", why)."""
    url = lrs["endpoint"].rstrip("/") + "/statements"
    auth = (lrs["username"], lrs["password"]) if lrs.get("username") else None
    try:
        response = requests.put(
            url,
            params={"statementId": body["id"]},
            json=body,
            auth=auth,
            headers={"X-Experience-API-Version": VERSION},
            timeout=float(current_app.config["XAPI_TIMEOUT_SECONDS"]),
        )
    except requests.RequestException as exc:
        return "retry", f"could not reach the LRS: {type(exc).__name__}"
    if response.status_code in (200, 204):
        return "sent", None
    if response.status_code == 409:  # the LRS already holds this id: delivered before
        return "sent", None
    why = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.status_code in (400, 422):
        return "failed", why  # the LRS refuses the statement itself: sending it again will not help
    return "retry", why


def deliver_pending(*, limit: int = 500, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the statements that are due, committing after each one; returns counts of sent, retry, failed.
    The HTTP request is made outside any transaction, so the database is never locked while the LRS answers."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = list(
        db.session.scalars(
            select(XapiStatement.id)
            .where(XapiStatement.status == "pending", XapiStatement.next_attempt_at <= now)
            .order_by(XapiStatement.created_at, XapiStatement.id)
            .limit(limit)
        )
    )
    max_attempts = int(current_app.config["XAPI_MAX_ATTEMPTS"])
    for sid in ids:
        row = db.session.get(XapiStatement, sid)
        if row is None or row.status != "pending":
            continue
        org = db.session.get(Organisation, row.organisation_id)
        lrs = lrs_for(org)
        body = dict(row.statement)
        db.session.commit()
        end_transaction()
        why: str | None
        if lrs is None:
            outcome, why = "retry", "xAPI is not configured for this organisation"
        else:
            outcome, why = _send(lrs, body)
        row = db.session.get(XapiStatement, sid)
        if row is None:
            continue
        row.attempts += 1
        if outcome == "sent":
            row.status, row.sent_at, row.last_error = "sent", utcnow(), None
        elif outcome == "failed" or row.attempts >= max_attempts:
            row.status, row.last_error = "failed", (why or "")[:500]
            outcome = "failed"
        else:
            row.next_attempt_at = utcnow() + _backoff(row.attempts)
            row.last_error = (why or "")[:500]
        counts[outcome] += 1
        db.session.commit()
    if counts["retry"] or counts["failed"]:
        log.warning("xAPI delivery: %s", counts)
    return counts


def retry_failed(organisation_id: int) -> int:
    """Put an organisation's failed statements back in the queue (after fixing the LRS or its settings)."""
    rows = list(
        db.session.scalars(
            select(XapiStatement).where(
                XapiStatement.organisation_id == organisation_id, XapiStatement.status == "failed"
            )
        )
    )
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    db.session.flush()
    return len(rows)


def queue_summary(organisation_id: int) -> dict:
    """Counts by status, the last success, and the failures and pending statements most recently touched."""
    counts = dict(
        db.session.execute(
            select(XapiStatement.status, func.count())
            .where(XapiStatement.organisation_id == organisation_id)
            .group_by(XapiStatement.status)
        ).all()
    )
    last_success = db.session.scalar(
        select(func.max(XapiStatement.sent_at)).where(XapiStatement.organisation_id == organisation_id)
    )
    problems = list(
        db.session.scalars(
            select(XapiStatement)
            .where(XapiStatement.organisation_id == organisation_id, XapiStatement.status != "sent")
            .order_by(XapiStatement.status, XapiStatement.created_at.desc())
            .limit(50)
        )
    )
    return {
        "pending": counts.get("pending", 0),
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
        "last_success": last_success,
        "rows": problems,
    }

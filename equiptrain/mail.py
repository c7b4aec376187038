"""The mail backend. Messages are sent once the database work that caused them commits.

By default each message is written to the outbox folder as a .eml file and logged, so mail works on a fresh
machine; MAIL_BACKEND = "smtp" sends through SMTP_HOST instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from equiptrain.extensions import db
from equiptrain.forms import one_line

log = logging.getLogger(__name__)


def build_message(
    to: str, subject: str, text: str, *, attachments: Sequence[tuple[str, str, bytes]] = ()
) -> EmailMessage:
    """A message whose headers no user text can break: the address and subject are put on one line (a title saved
    with a line break can never add a Bcc header, or make the message unsendable)."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = one_line(to)
    msg["Subject"] = one_line(subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="equiptrain.invalid")
    msg.set_content(text)
    for filename, mimetype, data in attachments:
        kind, _, rest = mimetype.partition(";")
        maintype, subtype = kind.strip().split("/", 1)
        params = dict(p.strip().split("=", 1) for p in rest.split(";") if "=" in p)
        # A calendar message (text/calendar; method=REQUEST or CANCEL) goes inline, its method on the part as
        # RFC 5545 3.7.2 asks, so mail clients offer to accept, update or remove the event.
        inline = maintype == "text" and subtype == "calendar" and "method" in params
        msg.add_attachment(
            data,
            maintype=maintype,
            subtype=subtype,
            filename=filename,
            disposition="inline" if inline else "attachment",
            params=params,
        )
    return msg


def send(to: str, subject: str, text: str, *, attachments: Sequence[tuple[str, str, bytes]] = ()) -> EmailMessage:
    """Queue a message; it is delivered when the current database transaction commits, dropped if it rolls back."""
    msg = build_message(to, subject, text, attachments=attachments)
    session = db.session()
    session.info.setdefault("equiptrain.mail", []).append((current_app._get_current_object(), msg))  # type: ignore[attr-defined]
    return msg


def deliver(app, msg: EmailMessage) -> None:
    if app.config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(app.config["SMTP_HOST"], int(app.config["SMTP_PORT"]), timeout=30) as smtp:
            if app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if app.config["SMTP_USERNAME"]:
                smtp.login(app.config["SMTP_USERNAME"], app.config["SMTP_PASSWORD"])
            smtp.send_message(msg)
        log.info("mail sent to %s: %s", msg["To"], msg["Subject"])
        return
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(msg))
    log.info("mail to %s written to %s: %s", msg["To"], path, msg["Subject"])


@event.listens_for(Session, "after_commit")
def _deliver_pending(session: Session) -> None:
    for app, msg in session.info.pop("equiptrain.mail", []):
        try:
            deliver(app, msg)
        except (OSError, smtplib.SMTPException):
            # The database change stands; a lost email is logged loudly rather than undoing it.
            log.exception("could not deliver mail to %s: %s", msg["To"], msg["Subject"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("equiptrain.mail", None)


def external_url(endpoint: str, **values) -> str:
    """An absolute address for links in emails and feeds, always on PUBLIC_URL: never trust the Host header
    for a link that carries a token (password-reset poisoning)."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)

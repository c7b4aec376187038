"""Email. `send` writes the message to the outbox in the current transaction; a job delivers it once that commits
(nothing goes if it rolls back), retried with back-off while the mail server is unavailable (see `jobs.outbox`).

Each message gets its Message-ID when it is written, and the stored bytes are what is sent, so a resend is the
same message. By default delivery writes each message to the outbox folder as a .eml file and logs it, so mail
works on a fresh machine; MAIL_BACKEND = "smtp" sends through SMTP_HOST instead.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from equiptrain import transaction
from equiptrain.extensions import db
from equiptrain.forms import one_line
from equiptrain.jobs import outbox
from equiptrain.jobs.models import OutboxItem

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


def send(
    to: str,
    subject: str,
    text: str,
    *,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    category: str = "",
    user_id: int | None = None,
    organisation_id: int | None = None,
    dedupe_key: str | None = None,
) -> EmailMessage:
    """Write a message to the outbox; it is delivered after the current transaction commits, never if it rolls
    back. `category` says what it is for (the person's list of messages shows it); the recipient's account is
    found from the address when not given."""
    from equiptrain.accounts.models import User

    msg = build_message(to, subject, text, attachments=attachments)
    if user_id is None:
        found = db.session.execute(
            select(User.id, User.organisation_id).where(User.email == to.strip().lower())
        ).first()
        if found is not None:
            user_id, organisation_id = found[0], organisation_id or found[1]
    transaction.add_to_outbox(
        OutboxItem(
            kind="email",
            category=category[:64],
            user_id=user_id,
            organisation_id=organisation_id,
            recipient=to[:254],
            subject=subject[:300],
            message_id=msg["Message-ID"],
            body=bytes(msg),
            payload={},
            dedupe_key=dedupe_key,
        )
    )
    return msg


def deliver_email(item: OutboxItem) -> None:
    """Send one outbox email as stored (the outbox kind "email")."""
    app = current_app
    msg = email.message_from_bytes(item.body or b"", policy=email.policy.default)
    if app.config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(app.config["SMTP_HOST"], int(app.config["SMTP_PORT"]), timeout=30) as smtp:
            if app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if app.config["SMTP_USERNAME"]:
                smtp.login(app.config["SMTP_USERNAME"], app.config["SMTP_PASSWORD"])
            smtp.send_message(msg)
        log.info("mail sent to %s: %s", item.recipient, item.subject)
        return
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{item.id}.eml"
    path.write_bytes(item.body or b"")
    log.info("mail to %s written to %s: %s", item.recipient, path, item.subject)


outbox.register_kind("email", deliver_email)


def external_url(endpoint: str, **values) -> str:
    """An absolute address for links in emails and feeds, always on PUBLIC_URL: never trust the Host header
    for a link that carries a token (password-reset poisoning)."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)

"""Configuration: defaults here; instance/config.py, then EQUIPTRAIN_* environment variables, override them.

Every setting is listed in the README with its environment variable and default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    # Set true by the WSGI entry point used behind a reverse proxy: secure cookies, no dev shortcuts.
    "PRODUCTION": False,
    # sqlite:///... (default: instance/equiptrain.db) or postgresql+psycopg://user:pass@host/db
    "DATABASE_URL": None,
    "CONTENT_DIR": str(PROJECT_ROOT / "course_content"),
    "NHSUK_FRONTEND_DIR": str(PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    # The site's address as people reach it: printed on certificates (and their QR codes), in emails, calendar
    # invitations and Open Badges. Required in production; `equiptrain serve` uses the address it serves on when
    # none is set, other commands http://127.0.0.1:5000.
    "PUBLIC_URL": None,
    "ORGANISATION_NAME": "EquipTrain",
    # Mail: "outbox" writes each message to MAIL_OUTBOX_DIR (default instance/outbox); "smtp" sends it.
    "MAIL_BACKEND": "outbox",
    "MAIL_OUTBOX_DIR": None,
    # Precompressed static files, built at start-up once per content (default: instance/static-build).
    "STATIC_BUILD_DIR": None,
    "MAIL_FROM": "EquipTrain <no-reply@equiptrain.invalid>",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 587,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": True,
    # Sign-in throttling. memory:// serves one process (`equiptrain serve`); several workers or servers share
    # Redis (redis://host:6379/0), so each limit holds across all of them.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Failed sign-ins for one account from one address (low enough that no one address can fill the next one).
    "SIGNIN_LIMIT_PER_ACCOUNT": "5 per minute; 10 per hour",
    # Failed sign-ins from one address, whatever the account.
    "SIGNIN_LIMIT_PER_ADDRESS": "20 per minute",
    # Certificate verification lookups per client address (public pages: slows down guessing codes).
    "VERIFY_LIMIT_PER_ADDRESS": "30 per minute",
    # Anonymous involvement-measure responses from one address (a clinic's wifi is shared: generous per hour,
    # tight per minute, so a script cannot stuff a round; each device is also limited by its own cookie).
    "MEASURE_LIMIT_PER_ADDRESS": "6 per minute; 60 per hour",
    # Involvement-measure responses are deleted this long after their round closes (the privacy notice says so)
    "MEASURE_RETENTION_YEARS": 3,
    # Failed sign-ins for one account from every address; browsers that signed in to it before are exempt.
    "SIGNIN_LIMIT_PER_ACCOUNT_ANY_ADDRESS": "30 per hour",
    # Make a certificate's PDF when it is issued (after the commit, in the background); off, the first download
    # makes and stores it.
    "CERTIFICATE_PDF_ON_ISSUE": True,
    "INVITE_EXPIRY_DAYS": 7,
    # Staff import (CSV): the largest file, checked before it is read; the most people in one file; how many
    # problems the page and the command list (all are counted).
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 10000,
    "IMPORT_PROBLEMS_SHOWN": 50,
    # Invitations after an import are sent in the background, this many to a transaction.
    "INVITATION_BATCH_SIZE": 50,
    # The job queue (huey): unset keeps it in instance/jobs.db (one server; `equiptrain serve` runs a consumer);
    # redis://host:6379/1 shares it between servers, each running `equiptrain worker`. memory:// is the tests'.
    "JOBS_URL": None,
    # Threads in each consumer (`serve`'s and `worker`'s).
    "JOBS_WORKERS": 2,
    # A delivery still not sent this long after it was due is queued again by the sweeper (its job was lost).
    "OUTBOX_SWEEP_AFTER_SECONDS": 120,
    # Daily scheduled tasks (reminders, digests, expiry notices) run at or after this hour, UTC.
    "SCHEDULE_DAILY_HOUR": 7,
    # A learner is told, and a refresher opens, this many days before a completion expires.
    "EXPIRY_NOTICE_DAYS": 60,
    # A signed-in session unused for this many hours ends; "keep me signed in" lasts REMEMBER_DAYS.
    "SESSION_IDLE_HOURS": 12,
    "REMEMBER_DAYS": 30,
    "RESET_EXPIRY_HOURS": 2,
    # argon2id cost; the defaults follow argon2-cffi's RFC 9106 low-memory profile.
    # OWASP's argon2id minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. A room of 100 signing in at
    # once on 2 cores then finishes well inside 3 s; older hashes are rehashed on the next sign-in (README).
    "ARGON2_TIME_COST": 2,
    "ARGON2_MEMORY_COST": 19456,
    "ARGON2_PARALLELISM": 1,
    # How many reverse proxies sit in front of the app (for the client address used by rate limits).
    "PROXY_COUNT": 0,
    # Share of a team's members who must attend a core workshop for the team to count as trained.
    "TEAM_TRAINED_SHARE": 0.8,
    # Share of a workshop's sessions a person must attend to have attended it (1.0: every session of the core).
    "WORKSHOP_ATTENDANCE_SHARE": 1.0,
    # Hours someone moved up from a waiting list has to confirm the offered place before it goes to the next person.
    "WAITING_LIST_OFFER_HOURS": 48,
    # Team supervision after the core: how many sessions, how long each, and over how many months.
    "SUPERVISION_SESSIONS": 3,
    # How long a lived-experience trainer's selection record is kept after its last change, then deleted.
    "TRAINER_SELECTION_RETENTION_YEARS": 6,
    "SUPERVISION_SESSION_MINUTES": 120,
    "SUPERVISION_MONTHS": 6,
    # Smallest group for which aggregates about people (confidence, feedback) are shown.
    "MIN_GROUP_SIZE": 5,
    # Single sign-on: how long to wait for a provider (seconds), and how often an unknown key may make
    # EquipTrain fetch a provider's keys again.
    "SSO_HTTP_TIMEOUT": 5,
    "SSO_JWKS_MIN_REFRESH_SECONDS": 30,
    # Sync course_content/ into the database when `serve` starts and the files changed.
    "SYNC_CONTENT_ON_SERVE": True,
    # How long a worker trusts its in-memory copy of the course before checking for a sync (None: no copy).
    "CONTENT_CACHE_SECONDS": 5,
    "SEND_FILE_MAX_AGE_DEFAULT": 31536000,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tokens last for the session; sessions end on sign-out and password change
    # How long a SQLite write waits for another request's write to finish before failing (milliseconds).
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    # Trust records. ESR_EXPORT_DIR: the folder the nightly competence export writes into (one folder per
    # organisation; unset: no nightly export). xAPI (off unless set): the LRS's xAPI address (the part before
    # /statements), with HTTP basic credentials, for every organisation; or XAPI_ORGANISATIONS, a mapping of
    # organisation name to {"endpoint", "username", "password"}. Failed deliveries are retried after
    # XAPI_BACKOFF_SECONDS, doubling up to XAPI_BACKOFF_MAX_SECONDS, XAPI_MAX_ATTEMPTS times in all.
    "ESR_EXPORT_DIR": None,
    "XAPI_ENDPOINT": None,
    "XAPI_USERNAME": None,
    "XAPI_PASSWORD": None,
    "XAPI_ORGANISATIONS": {},
    "XAPI_TIMEOUT_SECONDS": 10,
    "XAPI_BACKOFF_SECONDS": 60,
    "XAPI_BACKOFF_MAX_SECONDS": 6 * 3600,
    "XAPI_MAX_ATTEMPTS": 12,
    # Engine options; a database reached over the network also gets pool_pre_ping (see finalise).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
}


def secret_key_from_instance(instance_path: Path) -> str:
    """Read instance/secret_key, creating it (mode 0600) on first run."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


DEV_PUBLIC_URL = "http://127.0.0.1:5000"


class ConfigurationError(RuntimeError):
    """A setting the site cannot start without is missing or wrong; the message says which and how to fix it."""


def finalise(config: dict, instance_path: Path) -> None:
    """Derive the settings that depend on others."""
    config["PUBLIC_URL_CONFIGURED"] = bool(config.get("PUBLIC_URL"))
    if not config["PUBLIC_URL_CONFIGURED"]:
        if config["PRODUCTION"]:
            raise ConfigurationError(
                "EQUIPTRAIN_PUBLIC_URL is not set. In production the site needs its public address (for example "
                "EQUIPTRAIN_PUBLIC_URL=https://equiptrain.example.nhs.uk): it is printed on every certificate and in "
                "its QR code, and used in emails, calendar invitations and Open Badges. Set it and start again."
            )
        config["PUBLIC_URL"] = DEV_PUBLIC_URL
    config["PUBLIC_URL"] = str(config["PUBLIC_URL"]).rstrip("/")
    url = config.get("DATABASE_URL") or f"sqlite:///{instance_path / 'equiptrain.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    config["SQLALCHEMY_DATABASE_URI"] = url
    if not url.startswith("sqlite"):  # a server connection can drop between requests; a file cannot
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if url.startswith("postgresql"):
        # PostgreSQL's JIT compiles a query whose estimated cost is high, taking ~0.4 s each time: ten times what
        # the organisation dashboard's query takes to run. Short web queries never repay it (benchmarks/dashboards).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c jit=off"},
            **config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    if config["PRODUCTION"]:  # production is served over HTTPS only
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
    if not config.get("MAX_CONTENT_LENGTH"):
        # The largest request is a staff import: its file and a little form around it. Werkzeug answers a bigger
        # one with 413 from its Content-Length (or once a chunked upload passes it), before reading it.
        config["MAX_CONTENT_LENGTH"] = int(config["IMPORT_MAX_BYTES"]) + 256 * 1024
    if not config.get("MAIL_OUTBOX_DIR"):
        config["MAIL_OUTBOX_DIR"] = str(instance_path / "outbox")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key_from_instance(instance_path)

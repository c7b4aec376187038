"""EquipTrain: the EQUIP staff training platform. `create_app` is the application factory."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from equiptrain import compression, static_build
from equiptrain import config as config_module

# `equiptrain.db` is the module with the declarative base; the extension objects stay in `extensions`.
from equiptrain import extensions as ext
from equiptrain.db import MAX_ID
from equiptrain.headers import security_headers

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands and error pages."""
    app = Flask(
        __name__, instance_path=os.environ.get("EQUIPTRAIN_INSTANCE_PATH") or None, instance_relative_config=True
    )
    app.config.update(config_module.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("EQUIPTRAIN")
    if config:
        app.config.update(config)
    config_module.finalise(app.config, Path(app.instance_path))
    app.config.setdefault("REMEMBER_COOKIE_DURATION", dt.timedelta(days=int(app.config["REMEMBER_DAYS"])))
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    # Ids in URLs stop at the largest row id, so an absurd number is a 404, not a database error.
    app.url_map.converters["int"] = BoundedIntConverter
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [FileSystemLoader(Path(__file__).parent / "templates"), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "autoescape": True,
    }
    if not app.debug:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    _init_extensions(app)
    _connect_listeners()
    _register_policies()
    _register_blueprints(app)
    _register_error_pages(app)
    _register_request_hooks(app)
    static_build.init_app(app)
    compression.init_app(app)

    from equiptrain import authz, cli, ui

    authz.init_app(app)
    ui.init_app(app)
    cli.init_app(app)
    # Templates ask the same policies as the views before showing a link (no link to a page that answers 403).
    app.jinja_env.globals["can"] = authz.can
    return app


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _init_extensions(app: Flask) -> None:
    from equiptrain import transaction
    from equiptrain.jobs import queue

    ext.db.init_app(app)
    with app.app_context():
        transaction.configure(ext.db.engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    ext.migrate.init_app(app, ext.db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    # Each limited route's decorator checks that route's limits itself. The check Flask-Limiter also runs
    # before every request only adds default and application-wide limits; with none configured it has nothing
    # to enforce, and it would cost every page, so it is taken off.
    if not (app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")):
        app.before_request_funcs[None].remove(ext.limiter._check_request_limit)
    ext.login_manager.init_app(app)
    ext.login_manager.login_view = "accounts.sign_in"
    ext.login_manager.login_message = "Sign in to see this page."
    ext.login_manager.login_message_category = "info"
    ext.login_manager.session_protection = "basic"
    transaction.init_app(app)  # the request's commit, its outbox rows and its jobs
    queue.init_app(app)


def _connect_listeners() -> None:
    """Every receiver of every event in `signals.py`, in one list: who acts on what another feature announces."""
    from equiptrain import signals
    from equiptrain.accounts import roles
    from equiptrain.certificates import services as certificates
    from equiptrain.learning import facts
    from equiptrain.learning import services as learning
    from equiptrain.records import xapi
    from equiptrain.reflection import cpd
    from equiptrain.reminders import refreshers
    from equiptrain.supervision import services as supervision
    from equiptrain.trainers import services as trainers
    from equiptrain.workshops import newstarters
    from equiptrain.workshops import queries as workshop_queries
    from equiptrain.workshops import services as workshops

    listeners: list[tuple[Any, Callable[..., Any]]] = [
        # a module completed: CPD, and the learner noted for certificates
        (signals.module_completed, cpd.on_module_completed),
        (signals.module_completed, certificates.note_learner),
        # a reflective entry linked to a module: its "reflection written" step
        (signals.reflection_written, learning.record_reflection),
        # a workshop attended (or partly): its modules' "workshop attended" step, CPD, the learner noted
        (signals.workshop_attended, learning.record_workshop),
        (signals.workshop_attended, cpd.on_workshop_attended),
        (signals.workshop_attended, certificates.note_learner),
        (signals.workshop_partly_attended, cpd.on_workshop_attended),
        # a core day attended after the learner's core refresher opened: the refresher done, the core renewed
        (signals.workshop_attended, refreshers.on_core_attended),
        (signals.workshop_partly_attended, refreshers.on_core_attended),
        # a workshop's last register signed off: supervision plans start or sessions are delivered
        (signals.workshop_signed_off, supervision.on_workshop_signed_off),
        # the course synced: summaries recounted against the active units
        (signals.course_synced, learning.recount_summaries),
        # a name corrected: valid certificates reissued under it
        (signals.name_changed, certificates.on_name_changed),
        # just before a commit, once per learner whose progress changed: certificates issued
        (signals.learners_changed, certificates.on_learners_changed),
        # someone joined a team that has had its core: offered the next one, their manager told
        (signals.member_joined, newstarters.on_member_joined),
        # the trust's learning record store: an xAPI statement for each learning event (events, dates and
        # scores only; nothing a learner wrote)
        (signals.workshop_registered, xapi.on_workshop_registered),
        (signals.workshop_attended, xapi.on_workshop_attended),
        (signals.module_completed, xapi.on_module_completed),
        (signals.quiz_submitted, xapi.on_quiz_submitted),
        (signals.practice_completed, xapi.on_practice_completed),
        (signals.certificate_issued, xapi.on_certificate_issued),
        (signals.confidence_answered, xapi.on_confidence_answered),
    ]
    for signal, receiver in listeners:
        signal.connect(receiver)
    # Not events but registrations, so a lower package asks a higher one without importing it:
    # the trainer role on the people pages is the trainers feature's (accounts -> trainers)
    roles.register_trainer_role(trainers.ROLE)
    # whether someone attended the core, and whether a trainer delivers a module, are workshops' facts
    # (learning -> workshops)
    facts.set_core_attendance(workshops.attended_core)
    facts.add_delivery_rule(workshop_queries.facilitates_module)
    if not event.contains(Session, "before_commit", signals.announce_changed_learners):
        event.listen(Session, "before_commit", signals.announce_changed_learners)
        event.listen(Session, "after_rollback", signals.forget_changed_learners)


def _register_policies() -> None:
    """Each feature's access rules and guest pages, registered with `authz` (which imports no feature)."""
    from equiptrain.accounts import policy as _accounts  # noqa: F401
    from equiptrain.careaudit import policy as _careaudit  # noqa: F401
    from equiptrain.certificates import policy as _certificates  # noqa: F401
    from equiptrain.guests import policy as _guests  # noqa: F401
    from equiptrain.learning import policy as _learning  # noqa: F401
    from equiptrain.records import policy as _records  # noqa: F401
    from equiptrain.reflection import policy as _reflection  # noqa: F401
    from equiptrain.reviews import policy as _reviews  # noqa: F401
    from equiptrain.supervision import policy as _supervision  # noqa: F401
    from equiptrain.trainers import policy as _trainers  # noqa: F401
    from equiptrain.workshops import policy as _workshops  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from equiptrain.accounts.sso_views import bp as sso
    from equiptrain.accounts.views import bp as accounts
    from equiptrain.careaudit import measure_services
    from equiptrain.careaudit.measure_views import public as measure_public  # also adds the measure's staff routes
    from equiptrain.careaudit.views import bp as careaudit
    from equiptrain.certificates import public as _certificate_public  # noqa: F401  (its routes join the blueprint)
    from equiptrain.certificates.views import bp as certificates
    from equiptrain.content import models as _content_models  # noqa: F401  (tables every feature refers to)
    from equiptrain.dashboards.views import bp as dashboards
    from equiptrain.guests.views import bp as guests
    from equiptrain.hub.views import bp as hub
    from equiptrain.jobs.views import bp as jobs
    from equiptrain.learning.views import bp as learning
    from equiptrain.printables.views import bp as printables
    from equiptrain.records import services as records_services
    from equiptrain.records.views import bp as records
    from equiptrain.reflection.views import bp as reflection
    from equiptrain.reminders import models as _reminder_models  # noqa: F401  (the refreshers table)
    from equiptrain.reminders import services as reminders_services
    from equiptrain.reminders.views import bp as reminders
    from equiptrain.reviews.views import bp as reviews
    from equiptrain.static_assets import bp as assets
    from equiptrain.students.views import bp as students
    from equiptrain.supervision.views import bp as supervision
    from equiptrain.trainers import services as trainer_services
    from equiptrain.trainers.views import bp as trainers
    from equiptrain.workshops import console_views as _workshop_console  # noqa: F401  (the day's routes)
    from equiptrain.workshops.views import bp as workshops

    for bp in (
        assets,
        accounts,
        learning,
        workshops,
        supervision,
        reflection,
        guests,
        careaudit,
        reviews,
        printables,
        certificates,
        dashboards,
        records,
        hub,
        sso,
        measure_public,
        jobs,
        reminders,
        trainers,
        students,
    ):
        app.register_blueprint(bp)
    # The periodic tasks, one list: the programme's messages, then the features that run on their own.
    reminders_services.register_schedule()
    records_services.register_schedule()
    measure_services.register_schedule()
    trainer_services.register_schedule()


def _register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        def handler(error):
            # Our own words unless the view gave its own reason: Werkzeug's generic description ("You don't have
            # the permission to access the requested resource...") is the class default, never shown.
            description = getattr(error, "description", None)
            if description == getattr(type(error), "description", None):
                description = None
            return render_template("errors/error.html", code=code, title=title, message=description or message), code

        return handler

    app.register_error_handler(
        400, page(400, "Something was wrong with that request", "Go back, check what you entered and try again.")
    )
    app.register_error_handler(
        403,
        page(
            403,
            "You do not have access to this page",
            "If you think you should, ask your team manager or an administrator.",
        ),
    )
    app.register_error_handler(404, page(404, "Page not found", "Check the address, or go back to your home page."))
    app.register_error_handler(405, page(405, "That action is not allowed here", "Go back and try again."))

    @app.errorhandler(413)
    def too_large(error):
        megabytes = app.config["MAX_CONTENT_LENGTH"] / 1024 / 1024
        return render_template(
            "errors/error.html",
            code=413,
            title="That file is too large",
            message=f"The site accepts files up to {megabytes:.0f} MB. Split the file into "
            "smaller ones and send each in turn.",
        ), 413

    app.register_error_handler(
        429,
        page(
            429,
            "Too many attempts",
            "Wait a minute before trying again. If you have forgotten your password, reset it from the sign-in page.",
        ),
    )
    server_error = page(
        500, "Sorry, there is a problem with the service", "Try again later. Nothing you entered has been saved twice."
    )

    def internal_error(error):
        # A database error leaves the session needing a rollback; until then, loading anything (the signed-in
        # person the header shows) fails too, and the error page itself would crash.
        if ext.db.session.registry.has():
            ext.db.session.rollback()
        return server_error(error)

    app.register_error_handler(500, internal_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template(
            "errors/error.html",
            code=400,
            title="This form has expired",
            message="Go back, reload the page and submit the form again.",
        ), 400


def _register_request_hooks(app: Flask) -> None:
    from equiptrain.transaction import READ_METHODS

    headers = security_headers(app.config["PRODUCTION"])

    @app.before_request
    def refuse_nul_characters():
        # No text column can hold a NUL character (PostgreSQL refuses it outright), and no person types one:
        # a request carrying one in a field or in the address is answered plainly before any view sees it.
        # A page view (GET, HEAD) carries no form that any view reads, so only its address is looked at: parsing
        # an absent body on every page costs more than the check itself.
        sources = (request.args,) if request.method in READ_METHODS else (request.args, request.form)
        sent = (value for values in sources for _key, value in values.items(multi=True))
        if any("\x00" in value for value in sent):
            abort(
                400, "Something you sent contains a character that cannot be stored (a NUL). Remove it and try again."
            )

    @app.after_request
    def secure(response):
        present = {name.lower() for name, _ in response.headers.items()}
        for name, value in headers:
            if name.lower() not in present:
                response.headers.add(name, value)
        if "cache-control" not in present:  # pages may hold personal data: never cache them
            response.headers.add("Cache-Control", "no-store")
        return response

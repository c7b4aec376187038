"""Expected access for every route, by role. Each feature adds its routes here; a test fails if a route is missing.

An entry: endpoint -> (who gets the page, how to build the URL's arguments from the `world` fixture).
Who: "public" (anyone), "signed_out" (visitors; signed-in people are redirected home), "signed_in" (every role),
or a tuple of the roles that get the page; other signed-in roles get 403 and anonymous visitors are redirected to
sign in.

Guests (accounts limited to one workshop) get 403 on every page that is not public, except those in
GUEST_OPENS, which the walk opens with the world's guest invited to the world's workshop.
"""

from __future__ import annotations

PUBLIC = "public"
SIGNED_OUT = "signed_out"  # for visitors; someone signed in is sent to their home page
SIGNED_IN = "signed_in"

AUDITORS = ("trainer", "manager", "admin", "platform_admin")

# endpoint: (access, url kwargs builder or None, method)
ROUTES: dict[str, tuple] = {
    "accounts.sign_in": (SIGNED_OUT, None, "GET"),
    "accounts.request_reset": (PUBLIC, None, "GET"),
    "accounts.about": (PUBLIC, None, "GET"),
    "accounts.accessibility": (PUBLIC, None, "GET"),
    "accounts.privacy": (PUBLIC, None, "GET"),
    "accounts.home": (SIGNED_IN, None, "GET"),
    "accounts.my_account": (SIGNED_IN, None, "GET"),
    "accounts.people": (("admin", "platform_admin"), None, "GET"),
    "hub.index": (("admin", "platform_admin"), None, "GET"),  # the administration hub (issue 24)
    "accounts.new_person": (("admin", "platform_admin"), None, "GET"),
    "accounts.teams": (("admin", "platform_admin"), None, "GET"),
    "accounts.import_people": (("admin", "platform_admin"), None, "GET"),
    "accounts.import_progress": (("admin", "platform_admin"), lambda w: {"run_id": w["invitations"].id}, "GET"),
    "accounts.organisations": (("platform_admin",), None, "GET"),
    "accounts.person": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "GET"),
    "accounts.person_roles": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "POST"),
    "accounts.person_membership": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "POST"),
    "accounts.person_action": (
        ("admin", "platform_admin"),
        lambda w: {"user_id": w["learner"].id, "action": "invite"},
        "POST",
    ),
    "accounts.team": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "accounts.invite_to_team": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "accounts.audit_log": (("admin", "platform_admin"), None, "GET"),
    "learning.programme": (SIGNED_IN, None, "GET"),
    "learning.module": (SIGNED_IN, lambda w: {"slug": "foundations"}, "GET"),
    "learning.unit": (SIGNED_IN, lambda w: {"slug": "foundations", "unit_slug": "what-involvement-means"}, "GET"),
    "learning.mark_read": (SIGNED_IN, lambda w: {"slug": "foundations", "unit_slug": "what-involvement-means"}, "POST"),
    "learning.quiz": (SIGNED_IN, lambda w: {"slug": "foundations"}, "GET"),
    # a page the learner's own organisation added to the module (others 404); covered in tests/learning
    "learning.local_page": (
        ("learner", "trainer", "manager", "admin", "programme_lead"),  # the world's organisation, not the platform's
        lambda w: {"slug": "foundations", "page_slug": w["local_page"].slug},
        "GET",
    ),
    "learning.practice": (SIGNED_IN, lambda w: {"slug": "foundations", "scenario_slug": "review-conversation"}, "GET"),
    "learning.practice_start": (
        SIGNED_IN,
        lambda w: {"slug": "foundations", "scenario_slug": "review-conversation"},
        "POST",
    ),
    # workshops
    "workshops.index": (SIGNED_IN, None, "GET"),
    "workshops.new": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "workshops.edit": (("admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.detail": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.publish": (("admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "POST"),
    "workshops.cancel": (("admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "POST"),
    "workshops.reply": (
        ("learner", "manager", "programme_lead"),
        lambda w: {"workshop_id": w["workshop"].id},
        "POST",
    ),  # the people invited (the team's members)
    "workshops.ics": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.calendar_feed": (SIGNED_IN, None, "GET"),
    "workshops.feedback_results": (
        ("trainer", "admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id},
        "GET",
    ),
    "workshops.support": (
        ("admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id, "trainer_id": w["le_trainer"].id},
        "GET",
    ),
    "workshops.my_sessions": (("trainer",), None, "GET"),
    "workshops.reports": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "workshops.payments_export": (("admin", "platform_admin"), lambda w: {"fmt": "csv"}, "GET"),  # issue 24
    "workshops.training_address": (("admin", "platform_admin"), None, "GET"),  # issue 22
    "trainers.index": (("admin", "platform_admin"), None, "GET"),
    "trainers.trainer": (("admin", "platform_admin"), lambda w: {"user_id": w["trainer"].id}, "GET"),
    "workshops.register": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.register_afterwards": (  # issue 24: an administrator's audited override after sign-off
        ("admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id},
        "POST",
    ),
    "workshops.check_in_screen": (
        ("trainer", "admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id},
        "GET",
    ),
    "workshops.check_in": (SIGNED_IN, None, "GET"),
    "workshops.console": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.present": (
        ("trainer", "admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id, "unit_id": w["workshop_unit"].id},
        "GET",
    ),
    "workshops.rounds": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "POST"),
    "trainers.selection": (("admin",), lambda w: {"user_id": w["le_trainer"].id}, "GET"),
    "students.index": (("admin", "platform_admin"), None, "GET"),
    "trainers.my_connections": (("trainer",), None, "GET"),
    "printables.facilitator_pack": (
        ("trainer", "admin", "platform_admin"),
        lambda w: {"workshop_id": w["workshop"].id},
        "GET",
    ),
    "workshops.my_role": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "guests.manage": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    # care-plan audit: the team's managers, the trainers who deliver to it, its organisation's admins
    "careaudit.index": (("trainer", "manager", "admin", "platform_admin"), None, "GET"),
    "careaudit.team": (("trainer", "manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "careaudit.report": (("trainer", "manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "careaudit.round": (
        ("trainer", "manager", "admin", "platform_admin"),
        lambda w: {"round_id": w["audit_round"].id},
        "GET",
    ),
    "careaudit.score": (
        ("trainer", "manager", "admin", "platform_admin"),
        lambda w: {"round_id": w["audit_round"].id},
        "GET",
    ),
    "careaudit.round_state": (
        ("trainer", "manager", "admin", "platform_admin"),
        lambda w: {"round_id": w["audit_round"].id},
        "POST",
    ),
    # the involvement measure (staff pages under the care-plan audit; the response pages are public, no account)
    "careaudit.measure_team": (AUDITORS, lambda w: {"team_id": w["team"].id}, "GET"),
    "careaudit.measure_round": (AUDITORS, lambda w: {"round_id": w["measure_round"].id}, "GET"),
    "careaudit.measure_close": (AUDITORS, lambda w: {"round_id": w["measure_round"].id}, "POST"),
    "careaudit.measure_paper": (AUDITORS, lambda w: {"round_id": w["measure_round"].id}, "GET"),
    "careaudit.involvement": (AUDITORS, lambda w: {"team_id": w["team"].id}, "GET"),
    "careaudit.measure_organisation": (("admin", "platform_admin"), None, "GET"),
    "measure_public.respond": (PUBLIC, lambda w: {"token": w["measure_round"].token}, "GET"),
    "measure_public.thanks": (PUBLIC, lambda w: {"token": w["measure_round"].token}, "GET"),
    # supervision (team supervision after the core)
    "supervision.index": (("trainer", "manager", "admin", "platform_admin"), None, "GET"),
    "supervision.team": (("trainer", "manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "supervision.template": (("trainer", "manager", "admin", "platform_admin"), lambda w: {"number": 1}, "GET"),
    "supervision.start_plan": (("trainer", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "POST"),
    "supervision.planned_session": (
        ("trainer", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id, "number": 1},
        "POST",
    ),
    "supervision.add_action": (
        ("trainer", "manager", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id},
        "POST",
    ),
    "supervision.review_action": (
        ("trainer", "manager", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id, "action_id": w["team_action"].id},
        "POST",
    ),
    "reflection.index": (SIGNED_IN, None, "GET"),
    "reflection.new": (SIGNED_IN, None, "GET"),
    "reflection.write": (SIGNED_IN, lambda w: {"template": "nmc"}, "GET"),
    "reflection.entry": (("learner",), lambda w: {"entry_id": w["reflection"].id}, "GET"),
    "reflection.edit": (("learner",), lambda w: {"entry_id": w["reflection"].id}, "GET"),
    "reflection.delete": (("learner",), lambda w: {"entry_id": w["reflection"].id}, "GET"),
    "reflection.share": (("learner",), lambda w: {"entry_id": w["reflection"].id}, "GET"),
    "reflection.revoke": (("learner",), lambda w: {"entry_id": w["reflection"].id}, "POST"),
    "reflection.shared_list": (SIGNED_IN, None, "GET"),
    "reflection.shared": (("learner", "manager"), lambda w: {"entry_id": w["reflection"].id}, "GET"),
    "reflection.confidence_chart": (SIGNED_IN, None, "GET"),
    "reflection.confidence_form": (
        SIGNED_IN,
        lambda w: {"slug": w["reflection_module"].slug, "phase": "before"},
        "GET",
    ),
    "reflection.my_data": (SIGNED_IN, None, "GET"),
    "reflection.cpd_record": (SIGNED_IN, None, "GET"),
    "reflection.cpd_new": (SIGNED_IN, None, "GET"),
    "reflection.cpd_delete": (("learner",), lambda w: {"cpd_id": w["reflection_cpd"].id}, "POST"),
    "reflection.pack": (SIGNED_IN, None, "GET"),
    "reflection.pack_pdf": (SIGNED_IN, None, "GET"),
    # certificates
    "certificates.mine": (SIGNED_IN, None, "GET"),
    "certificates.download": (
        ("learner", "manager", "admin", "platform_admin"),
        lambda w: {"certificate_id": w["certificate"].id},
        "GET",
    ),
    "certificates.badge_download": (
        ("learner", "manager", "admin", "platform_admin"),
        lambda w: {"certificate_id": w["certificate"].id},
        "GET",
    ),
    "certificates.credential_download": (
        ("learner", "manager", "admin", "platform_admin"),
        lambda w: {"certificate_id": w["certificate"].id},
        "GET",
    ),
    "certificates.team_zip": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "certificates.organisation": (("admin", "platform_admin"), None, "GET"),
    "certificates.manage": (("admin", "platform_admin"), lambda w: {"certificate_id": w["certificate"].id}, "GET"),
    "certificates.my_naming": (("trainer",), None, "POST"),
    "certificates.person_naming": (("admin", "platform_admin"), lambda w: {"user_id": w["le_trainer"].id}, "POST"),
    "certificates.lookup": (PUBLIC, None, "GET"),
    "certificates.verify": (PUBLIC, lambda w: {"code": w["certificate"].display_code}, "GET"),
    "certificates.assertion": (PUBLIC, lambda w: {"code": w["certificate"].code}, "GET"),
    "certificates.credential": (PUBLIC, lambda w: {"code": w["certificate"].code}, "GET"),
    "certificates.issuer": (PUBLIC, lambda w: {"key": str(w["org"].id)}, "GET"),
    "certificates.badge_class": (PUBLIC, lambda w: {"key": str(w["org"].id), "slug": "equip-foundations"}, "GET"),
    "certificates.badge_image": (PUBLIC, None, "GET"),
    "certificates.jwks": (PUBLIC, None, "GET"),
    "certificates.key": (PUBLIC, lambda w: {"kid": _signing_kid()}, "GET"),
    "certificates.revocations": (PUBLIC, lambda w: {"key": str(w["org"].id)}, "GET"),
    "certificates.status_list": (PUBLIC, lambda w: {"key": str(w["org"].id)}, "GET"),
    "printables.unit": (SIGNED_IN, lambda w: {"slug": "foundations", "unit_slug": "what-involvement-means"}, "GET"),
    "printables.roleplay": (SIGNED_IN, lambda w: {"slug": "foundations", "scenario_slug": "first-meeting"}, "GET"),
    # reviews: the trainer pages are for service-user and carer trainers only; the walk's trainer is a
    # professional trainer (403). Lived-experience trainers' access is tested in tests/reviews/test_reviews.py.
    "reviews.index": ((), None, "GET"),
    "reviews.unit": ((), lambda w: {"unit_id": w["review_unit"].id}, "GET"),
    "reviews.comments": (("admin", "platform_admin"), None, "GET"),
    "reviews.comment": (("admin", "platform_admin"), lambda w: {"comment_id": w["review_comment"].id}, "GET"),
    # dashboards: a team's managers, the organisation's programme leads and administrators
    "dashboards.index": (("manager", "programme_lead", "admin", "platform_admin"), None, "GET"),
    "dashboards.team": (
        ("manager", "programme_lead", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id},
        "GET",
    ),
    "dashboards.person": (
        ("manager", "programme_lead", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id, "user_id": w["learner"].id},
        "GET",
    ),
    "dashboards.team_export": (
        ("manager", "programme_lead", "admin", "platform_admin"),
        lambda w: {"team_id": w["team"].id, "fmt": "csv"},
        "GET",
    ),
    "dashboards.remind": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "POST"),
    "dashboards.organisation": (("programme_lead", "admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "dashboards.organisation_export": (
        ("programme_lead", "admin", "platform_admin"),
        lambda w: {"fmt": "xlsx", "org": w["org"].id},
        "GET",
    ),
    "dashboards.compliance": (("programme_lead", "admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "dashboards.settings": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "dashboards.team_deadline": (("admin", "platform_admin"), None, "POST"),
    # trust records (ESR staff sync, competence export, xAPI)
    "records.index": (("admin", "platform_admin"), None, "GET"),
    "records.settings": (("admin", "platform_admin"), None, "GET"),
    "records.mapping": (("admin", "platform_admin"), None, "GET"),
    "records.sync_upload": (("admin", "platform_admin"), None, "GET"),
    "records.sync_preview": (("admin", "platform_admin"), lambda w: {"run_id": w["sync_run"].id}, "GET"),
    "records.competences": (("admin", "platform_admin"), None, "GET"),
    "records.exports": (("admin", "platform_admin"), None, "GET"),
    "records.export_download": (
        ("admin", "platform_admin"),
        lambda w: {"export_id": w["esr_export"].id, "fmt": "csv"},
        "GET",
    ),
    "records.not_in_esr": (("admin", "platform_admin"), None, "GET"),
    "records.clear_not_in_esr": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "POST"),
    "records.xapi_queue": (("admin", "platform_admin"), None, "GET"),
    "records.xapi_retry": (("admin", "platform_admin"), None, "POST"),
    # the job queue, scheduled messages, a person's messages (issue 19)
    "reminders.my_messages": (SIGNED_IN, None, "GET"),
    "reminders.organisation_messages": (("admin", "platform_admin"), None, "GET"),
    "jobs.status": (("platform_admin",), None, "GET"),
    "jobs.retry": (("platform_admin",), lambda w: {"item_id": w["outbox_item"].id}, "POST"),
    "jobs.retry_schedule": (("platform_admin",), lambda w: {"name": "outbox.sweep"}, "POST"),
}

# What a guest gets on the pages their account opens (their own workshop's); everything else not public is 403.
GUEST_OPENS: dict[str, int] = {
    "accounts.home": 302,  # their home page is their workshop
    "accounts.my_account": 200,
    "workshops.detail": 200,
    "workshops.reply": 200,
    "workshops.ics": 200,
    "workshops.my_role": 200,
    "workshops.check_in": 200,
}

# Routes for one person's private rows (authz `private(Model)`): anyone else gets 404, as for a row that does not
# exist, instead of 403.
PRIVATE = {
    "learning.local_page",  # another organisation's local page answers as one that does not exist
    "certificates.download",
    "certificates.badge_download",
    "certificates.credential_download",
    "reflection.entry",
    "reflection.edit",
    "reflection.delete",
    "reflection.share",
    "reflection.revoke",
    "reflection.shared",
    "reflection.cpd_delete",
}

# Routes the walk does not visit, with the reason (each is covered by its own tests).
NOT_WALKED = {
    "workshops.feed": "public, needs a private token; covered in tests/workshops/test_scheduling",
    "trainers.end_connection": "POST on one's own declared connection (others 404); covered in tests/trainers",
    "guests.attendance_certificate": "a guest who attended, once signed off (others 403/404); covered in "
    "tests/guests/test_attendance_certificate",
    "workshops.feedback": "needs the person's own token; covered in tests/workshops/test_feedback",
    "workshops.brief": "depends on the person's role in a round; covered in tests/workshops/test_roleplay",
    "workshops.observe": "the round's observer only; covered in tests/workshops/test_roleplay",
    "static": "files",
    "assets.nhsuk_asset": "files",
    "assets.nhsuk_vendor": "files",
    "accounts.sign_out": "POST only; covered in test_auth",
    "accounts.sign_out_everywhere": "POST only, ends the walker's sessions; covered in tests/accounts/test_sessions",
    "accounts.set_password": "needs a signed token; covered in test_auth",
    "learning.quiz_attempt": "the attempt's owner only (others 404); covered in tests/learning/test_views",
    "learning.practice_choose": "POST on one's own attempt; covered in tests/learning/test_views",
    "learning.practice_attempt": "the attempt's owner only (others 404); covered in tests/learning/test_views",
}


def _signing_kid() -> str:
    """The kid of the instance's Open Badges signing key (the address a credential's `kid` names ends in it)."""
    from equiptrain.certificates import ob3

    key = ob3.rsa_key()
    return key.kid or key.thumbprint()


# Single sign-on (equiptrain/accounts/sso_views.py)
ROUTES.update(
    {
        "sso.admin": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
        "sso.provider": (("admin", "platform_admin"), lambda w: {"provider_id": w["sso_provider"].id}, "GET"),
        "sso.remove_provider": (("admin", "platform_admin"), lambda w: {"provider_id": w["sso_provider"].id}, "POST"),
        "sso.signed_out": (PUBLIC, None, "GET"),
        "sso.provider_jwks": (PUBLIC, lambda w: {"provider_id": w["sso_key_provider"].id}, "GET"),
        "sso.unlink": (
            ("admin", "platform_admin"),
            lambda w: {"user_id": w["learner"].id, "identity_id": w["sso_identity"].id},
            "POST",
        ),
    }
)
NOT_WALKED.update(
    {
        "sso.start": "redirects to the provider; covered in tests/accounts/test_sso",
        "sso.callback": "needs a sign-in started in the same browser; covered in tests/accounts/test_sso",
        "sso.backchannel_logout": "POST from a provider with a signed token; covered in tests/accounts/test_sso",
    }
)

"""Expected access for every route, by role. Each feature adds its routes here; a test fails if a route is missing.

An entry: endpoint -> (who gets the page, how to build the URL's arguments from the `world` fixture).
Who: "public" (anyone), "signed_out" (visitors; signed-in people are redirected home), "signed_in" (every role), or a tuple of the roles that get the page; other signed-in
roles get 403 and anonymous visitors are redirected to sign in.
"""
from __future__ import annotations

PUBLIC = "public"
SIGNED_OUT = "signed_out"  # for visitors; someone signed in is sent to their home page
SIGNED_IN = "signed_in"

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
    "accounts.new_person": (("admin", "platform_admin"), None, "GET"),
    "accounts.teams": (("admin", "platform_admin"), None, "GET"),
    "accounts.import_people": (("admin", "platform_admin"), None, "GET"),
    "accounts.import_progress": (("admin", "platform_admin"), lambda w: {"run_id": w["invitations"].id}, "GET"),
    "accounts.organisations": (("platform_admin",), None, "GET"),
    "accounts.person": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "GET"),
    "accounts.person_roles": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "POST"),
    "accounts.person_membership": (("admin", "platform_admin"), lambda w: {"user_id": w["learner"].id}, "POST"),
    "accounts.person_action": (("admin", "platform_admin"),
                               lambda w: {"user_id": w["learner"].id, "action": "invite"}, "POST"),
    "accounts.team": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "accounts.invite_to_team": (("manager", "admin", "platform_admin"), lambda w: {"team_id": w["team"].id}, "GET"),
    "audit.log": (("admin", "platform_admin"), None, "GET"),
    "learning.programme": (SIGNED_IN, None, "GET"),
    "learning.module": (SIGNED_IN, lambda w: {"slug": "foundations"}, "GET"),
    "learning.unit": (SIGNED_IN, lambda w: {"slug": "foundations", "unit_slug": "what-involvement-means"}, "GET"),
    "learning.mark_read": (SIGNED_IN, lambda w: {"slug": "foundations", "unit_slug": "what-involvement-means"},
                           "POST"),
    "learning.quiz": (SIGNED_IN, lambda w: {"slug": "foundations"}, "GET"),
    "learning.practice": (SIGNED_IN, lambda w: {"slug": "foundations", "scenario_slug": "review-conversation"}, "GET"),
    "learning.practice_start": (SIGNED_IN, lambda w: {"slug": "foundations", "scenario_slug": "review-conversation"},
                                "POST"),
    # workshops
    "workshops.index": (SIGNED_IN, None, "GET"),
    "workshops.new": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "workshops.edit": (("admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.detail": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.publish": (("admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id}, "POST"),
    "workshops.reply": (("learner", "manager"), lambda w: {"workshop_id": w["workshop"].id}, "POST"),
    "workshops.ics": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.calendar_feed": (SIGNED_IN, None, "GET"),
    "workshops.feedback_results": (("trainer", "admin", "platform_admin"),
                                   lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.support": (("admin", "platform_admin"),
                          lambda w: {"workshop_id": w["workshop"].id, "trainer_id": w["le_trainer"].id}, "GET"),
    "workshops.my_sessions": (("trainer",), None, "GET"),
    "workshops.reports": (("admin", "platform_admin"), lambda w: {"org": w["org"].id}, "GET"),
    "workshops.trainers": (("admin", "platform_admin"), None, "GET"),
    "workshops.trainer": (("admin", "platform_admin"), lambda w: {"user_id": w["trainer"].id}, "GET"),
    "workshops.register": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id},
                           "GET"),
    "workshops.check_in_screen": (("trainer", "admin", "platform_admin"),
                                  lambda w: {"workshop_id": w["workshop"].id}, "GET"),
    "workshops.check_in": (SIGNED_IN, None, "GET"),
    "workshops.console": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id},
                          "GET"),
    "workshops.present": (("trainer", "admin", "platform_admin"),
                          lambda w: {"workshop_id": w["workshop"].id, "unit_id": w["workshop_unit"].id}, "GET"),
    "workshops.rounds": (("trainer", "admin", "platform_admin"), lambda w: {"workshop_id": w["workshop"].id},
                         "POST"),
    "workshops.my_role": (SIGNED_IN, lambda w: {"workshop_id": w["workshop"].id}, "GET"),
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
    "reflection.confidence_form": (SIGNED_IN, lambda w: {"slug": w["reflection_module"].slug, "phase": "before"},
                                   "GET"),
    "reflection.my_data": (SIGNED_IN, None, "GET"),
    "reflection.cpd_record": (SIGNED_IN, None, "GET"),
    "reflection.cpd_new": (SIGNED_IN, None, "GET"),
    "reflection.cpd_delete": (("learner",), lambda w: {"cpd_id": w["reflection_cpd"].id}, "POST"),
    "reflection.pack": (SIGNED_IN, None, "GET"),
    "reflection.pack_pdf": (SIGNED_IN, None, "GET"),
}

# Routes for one person's private rows (authz `policy(..., private=True)`): anyone else gets 404, as for a row
# that does not exist, instead of 403.
PRIVATE = {"reflection.entry", "reflection.edit", "reflection.delete", "reflection.share", "reflection.revoke",
           "reflection.shared", "reflection.cpd_delete"}

# Routes the walk does not visit, with the reason (each is covered by its own tests).
NOT_WALKED = {
    "workshops.feed": "public, needs a private token; covered in tests/workshops/test_scheduling",
    "workshops.feedback": "needs the person's own token; covered in tests/workshops/test_feedback",
    "workshops.brief": "depends on the person's role in a round; covered in tests/workshops/test_roleplay",
    "workshops.observe": "the round's observer only; covered in tests/workshops/test_roleplay",
    "static": "files",
    "assets.nhsuk_asset": "files",
    "assets.nhsuk_vendor": "files",
    "accounts.sign_out": "POST only; covered in test_auth",
    "accounts.set_password": "needs a signed token; covered in test_auth",
    "learning.quiz_attempt": "the attempt's owner only (others 404); covered in tests/learning/test_views",
    "learning.practice_choose": "POST on one's own attempt; covered in tests/learning/test_views",
    "learning.practice_attempt": "the attempt's owner only (others 404); covered in tests/learning/test_views",
}

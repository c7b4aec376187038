"""Events one feature announces and others act on, so features never import each other's views or reach into
each other's tables. Receivers run inside the sender's transaction: they flush, the request commits once.

Every receiver is called with the sender and keyword arguments as listed.
"""

from blinker import Namespace

_signals = Namespace()

# learning -> reflection (CPD), certificates: module_completed.send(user, module=Module, at=datetime)
module_completed = _signals.signal("module-completed")

# reflection -> learning (the "reflection written" rule):
#   reflection_written.send(user, module_slug=str | None, entry_id=int, at=datetime)
reflection_written = _signals.signal("reflection-written")

# workshops -> learning (the "workshop attended" rule), reflection (participatory CPD). Sent once per person when a
# workshop's last session register is signed off and they came to every session (or WORKSHOP_ATTENDANCE_SHARE of
# them); `hours` are the CPD hours of the sessions they came to:
#   workshop_attended.send(user, workshop=Workshop, module_slugs=list[str], hours=float, at=datetime)
workshop_attended = _signals.signal("workshop-attended")

# accounts -> certificates (reissue under the corrected name):
#   name_changed.send(user, actor=User, old_name=str, new_name=str)
name_changed = _signals.signal("name-changed")

# content -> learning (summaries recounted against the active units): course_synced.send(None)
course_synced = _signals.signal("course-synced")

# workshops -> reflection (participatory CPD only): as workshop_attended, for someone who came to some sessions but
# not enough to have attended the workshop; the modules' workshop rule is not met.
workshop_partly_attended = _signals.signal("workshop-partly-attended")

# workshops -> supervision: a workshop's last session register was signed off (everyone's attendance is settled).
#   workshop_signed_off.send(workshop)
workshop_signed_off = _signals.signal("workshop-signed-off")

# accounts -> workshops (a trainer's prepared modules go with the trainer role), before the profile is deleted:
#   trainer_role_removed.send(user, profile_id=int); each receiver returns how many records it removed
trainer_role_removed = _signals.signal("trainer-role-removed")

# learning -> records (xAPI): a knowledge check was submitted (passed or not); carries scores, never answers:
#   quiz_submitted.send(user, attempt=QuizAttempt, module=Module)
quiz_submitted = _signals.signal("quiz-submitted")

# learning -> records (xAPI): a solo practice attempt reached an ending:
#   practice_completed.send(user, attempt=PracticeAttempt, scenario=Scenario)
practice_completed = _signals.signal("practice-completed")

# workshops -> records (xAPI): someone took a place at a workshop (not the waiting list):
#   workshop_registered.send(user, workshop=Workshop, at=datetime)
workshop_registered = _signals.signal("workshop-registered")

# certificates -> records (xAPI): a certificate was issued: certificate_issued.send(user, certificate=Certificate)
certificate_issued = _signals.signal("certificate-issued")

# reflection -> records (xAPI): a confidence self-assessment was answered; carries no answers:
#   confidence_answered.send(user, module=Module, phase=str, response_id=int, at=datetime)
confidence_answered = _signals.signal("confidence-answered")

# accounts -> workshops (a new starter in a team that has had its core is offered the next one), after the new
# membership is flushed: member_joined.send(user, team=Team, role=MembershipRole, actor=User | None)
member_joined = _signals.signal("member-joined")

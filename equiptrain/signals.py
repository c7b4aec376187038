"""Events one feature announces and others act on, so features never import each other's views or reach into
each other's tables. Receivers run inside the sender's transaction: they flush, the request commits once. An event
carries the facts its receivers need, so a receiver does not call back into the sender's feature.

Every receiver is called with the sender and keyword arguments as listed. Receivers are connected in one list in
the app factory (`equiptrain._connect_listeners`), never as a side effect of importing a module.
"""

from blinker import Namespace

from equiptrain.extensions import db

_signals = Namespace()
_CHANGED = "equiptrain.changed_learners"

# learning -> reflection (CPD), certificates: module_completed.send(user, module=Module, at=datetime)
module_completed = _signals.signal("module-completed")

# reflection -> learning (the "reflection written" rule):
#   reflection_written.send(user, module_slug=str | None, entry_id=int, at=datetime)
reflection_written = _signals.signal("reflection-written")

# workshops -> learning (the "workshop attended" rule), reflection (participatory CPD), certificates. Sent once per
# person when a workshop's last session register is signed off and they came to every session (or
# WORKSHOP_ATTENDANCE_SHARE of them); `hours` are the CPD hours of the sessions they came to; `attended_core` whether
# they have now attended the core (this workshop or an earlier one), which modules requiring the core wait for:
#   workshop_attended.send(user, workshop=Workshop, module_slugs=list[str], hours=float, at=datetime,
#                          attended_core=bool, core_workshop=bool)
#   (attended_core: the person has now attended a core in full; core_workshop: this workshop is a core one)
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

# learning, workshops -> certificates: once per commit, just before it, for every learner whose progress changed in
# the transaction (noted by `note_learner_changed`), so certificates are issued once per learner, in one step,
# after every rule has run:  learners_changed.send(None, users=list[User])
learners_changed = _signals.signal("learners-changed")


def note_learner_changed(user) -> None:
    """A receiver notes that this learner's progress changed (announced by `learners_changed` before the commit)."""
    db.session.info.setdefault(_CHANGED, {})[user.id] = user


def announce_changed_learners(session) -> None:
    """Before a commit (a Session `before_commit` listener): announce the learners noted in this transaction, again
    while the receivers note more."""
    while changed := session.info.pop(_CHANGED, None):
        learners_changed.send(None, users=list(changed.values()))


def forget_changed_learners(session) -> None:
    """After a rollback nothing changed (a Session `after_rollback` listener)."""
    session.info.pop(_CHANGED, None)

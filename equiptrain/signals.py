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

# workshops -> learning (the "workshop attended" rule), reflection (participatory CPD):
#   workshop_attended.send(user, workshop=Workshop, module_slugs=list[str], hours=float, at=datetime)
workshop_attended = _signals.signal("workshop-attended")

# accounts -> workshops (a trainer's prepared modules go with the trainer role), before the profile is deleted:
#   trainer_role_removed.send(user, profile_id=int); each receiver returns how many records it removed
trainer_role_removed = _signals.signal("trainer-role-removed")

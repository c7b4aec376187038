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

# accounts -> certificates (reissue under the corrected name):
#   name_changed.send(user, actor=User, old_name=str, new_name=str)
name_changed = _signals.signal("name-changed")

# content -> learning (summaries recounted against the active units): course_synced.send(None)
course_synced = _signals.signal("course-synced")

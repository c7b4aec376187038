"""Reflective entries and CPD records are private by default: only the author, whatever other roles they or anyone
else hold, except that a supervisor the author shared an entry with may read it. To anyone else such a row
answers as a missing one would."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.authz import policy, private
from equiptrain.reflection.models import CPDEntry, ReflectiveEntry
from equiptrain.reflection.services import may_supervise

private(ReflectiveEntry)
private(CPDEntry)


@policy(ReflectiveEntry, "view", "edit", "delete", "share")
def writes_entry(user: User, entry: ReflectiveEntry) -> bool:
    return entry.author_id == user.id


@policy(ReflectiveEntry, "read_shared")
def reads_shared_entry(user: User, entry: ReflectiveEntry) -> bool:
    if entry.author_id == user.id:
        return True
    share = entry.active_share
    return share is not None and share.supervisor_id == user.id and may_supervise(entry.author, user)


@policy(CPDEntry, "view", "delete")
def owns_cpd_entry(user: User, entry: CPDEntry) -> bool:
    return entry.user_id == user.id

"""Who may see a trainer's records. The trainer page and list are the administrators' (`accounts`' rule for
managing a person); a selection record only the trainer's own organisation's administrators'; a declared
connection is the trainer's own (others learn nothing of it: 404)."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.authz import policy, private, scope
from equiptrain.trainers.models import DeclaredConnection
from equiptrain.trainers.services import may_see_selection


@policy(
    User,
    "keep_selection_record",
    refusal="Selection records are seen only by the trainer's own organisation's administrators.",
)
def keeps_selection_record(user: User, trainer: User) -> bool:
    return may_see_selection(user, trainer)


@scope(DeclaredConnection)
def connection_scope(user: User, connection: DeclaredConnection) -> bool:
    return connection.trainer_id == user.id


private(DeclaredConnection)


@policy(DeclaredConnection, "end")
def ends_connection(user: User, connection: DeclaredConnection) -> bool:
    return connection.trainer_id == user.id

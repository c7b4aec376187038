"""Builders for test data: people, organisations, teams and roles, with sensible defaults.

Builders commit: inside a test that only releases a savepoint (the test's outer transaction is still rolled
back), and it keeps the data when a request under test rolls its own work back.
"""

from __future__ import annotations

import itertools

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Organisation, Profession, Team, TeamSetting, User
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind

PASSWORD = "correct horse battery"
_seq = itertools.count(1)

ROLES = ("learner", "trainer", "manager", "admin", "programme_lead", "platform_admin")


class Builders:
    def org(self, name: str | None = None) -> Organisation:
        org = Organisation(name=name or f"Trust {next(_seq)}")
        db.session.add(org)
        db.session.commit()
        return org

    def team(
        self, org: Organisation | None = None, name: str | None = None, setting: TeamSetting = TeamSetting.COMMUNITY
    ) -> Team:
        team = Team(organisation=org or self.org(), name=name or f"Team {next(_seq)}", setting=setting)
        db.session.add(team)
        db.session.commit()
        return team

    def user(
        self,
        role: str = "learner",
        *,
        team: Team | None = None,
        org: Organisation | None = None,
        name: str | None = None,
        email: str | None = None,
        password: str | None = PASSWORD,
        profession: Profession = Profession.NURSE,
        trainer_kind: TrainerKind | None = None,
    ) -> User:
        """A person holding `role`: learner, trainer, manager (of `team`), admin or programme_lead (of `org`), or
        platform_admin."""
        if role not in ROLES:
            raise ValueError(role)
        n = next(_seq)
        if team is None and role in ("learner", "manager"):
            team = self.team(org)
        org = org or (team.organisation if team else None) or self.org()
        if role == "trainer" and trainer_kind is None:
            trainer_kind = TrainerKind.PROFESSIONAL
        user = services.create_user(
            None,
            name=name or f"Person {n}",
            email=email or f"person{n}@example.nhs.uk",
            profession=profession,
            organisation=org,
            password=password,
            is_org_admin=role == "admin",
            is_platform_admin=role == "platform_admin",
            trainer_kind=trainer_kind,
        )
        user.is_programme_lead = role == "programme_lead"
        if team is not None:
            services.set_membership(
                None, user, team, MembershipRole.MANAGER if role == "manager" else MembershipRole.MEMBER
            )
        db.session.commit()
        return user

"""Demo step: the trust, its teams, managers, learners, an administrator and trainers."""

from __future__ import annotations

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole
from equiptrain.accounts.models import Profession as P
from equiptrain.accounts.models import TeamSetting as S
from equiptrain.demo import timeline
from equiptrain.trainers.models import TrainerKind as T

TEAMS = {
    "north-cmht": ("North Community Mental Health Team", S.COMMUNITY),
    "willow-ward": ("Willow Ward", S.INPATIENT),
    "crisis": ("Crisis Resolution and Home Treatment", S.CRISIS),
    "later-life": ("Later Life Community Team", S.LATER_LIFE),
    "eip": ("Early Intervention in Psychosis", S.EARLY_INTERVENTION),
}

# key, name, email local part, profession, team key or None, manager?
PEOPLE = [
    ("manager", "Priya Shah", "priya.shah", P.NURSE, "north-cmht", True),
    ("nurse", "Sam Okafor", "sam.okafor", P.NURSE, "north-cmht", False),
    ("social-worker", "Hannah Lewis", "hannah.lewis", P.SOCIAL_WORKER, "north-cmht", False),
    ("ot", "Tomasz Nowak", "tomasz.nowak", P.OCCUPATIONAL_THERAPIST, "north-cmht", False),
    ("psychiatrist", "Dr Aisha Rahman", "aisha.rahman", P.PSYCHIATRIST, "north-cmht", False),
    ("support-worker", "Chloe Bennett", "chloe.bennett", P.SUPPORT_WORKER, "north-cmht", False),
    ("psychologist", "Dr Owen Price", "owen.price", P.PSYCHOLOGIST, "north-cmht", False),
    ("peer-worker", "Marcus Reid", "marcus.reid", P.PEER_SUPPORT_WORKER, "north-cmht", False),
    ("ward-manager", "Grace Adeyemi", "grace.adeyemi", P.NURSE, "willow-ward", True),
    ("ward-nurse-1", "Liam Murphy", "liam.murphy", P.NURSE, "willow-ward", False),
    ("ward-nurse-2", "Fatima Begum", "fatima.begum", P.NURSE, "willow-ward", False),
    ("ward-hca", "Ellie Turner", "ellie.turner", P.SUPPORT_WORKER, "willow-ward", False),
    ("ward-ot", "Ravi Patel", "ravi.patel", P.OCCUPATIONAL_THERAPIST, "willow-ward", False),
    ("ward-student", "Jade Wilson", "jade.wilson", P.STUDENT, "willow-ward", False),
    ("crisis-manager", "Daniel Hughes", "daniel.hughes", P.NURSE, "crisis", True),
    ("crisis-nurse", "Zainab Ali", "zainab.ali", P.NURSE, "crisis", False),
    ("crisis-sw", "Kieran Walsh", "kieran.walsh", P.SOCIAL_WORKER, "crisis", False),
    ("crisis-doctor", "Dr Mei Chen", "mei.chen", P.PSYCHIATRIST, "crisis", False),
    ("crisis-support", "Nathan Brooks", "nathan.brooks", P.SUPPORT_WORKER, "crisis", False),
    ("later-life-manager", "Susan Clarke", "susan.clarke", P.OCCUPATIONAL_THERAPIST, "later-life", True),
    ("later-life-nurse", "Joseph Mensah", "joseph.mensah", P.NURSE, "later-life", False),
    ("later-life-gp", "Dr Helen Ford", "helen.ford", P.GP, "later-life", False),
    ("eip-manager", "Amir Hussain", "amir.hussain", P.SOCIAL_WORKER, "eip", True),
    ("eip-nurse", "Rebecca Hall", "rebecca.hall", P.NURSE, "eip", False),
]

TRAINERS = [
    ("trainer", "Dr Nia Evans", "nia.evans", P.PSYCHOLOGIST, T.PROFESSIONAL),
    ("su-trainer", "Jordan Blake", "jordan.blake", P.OTHER, T.SERVICE_USER),
    ("carer-trainer", "Margaret Doyle", "margaret.doyle", P.OTHER, T.CARER),
    ("su-trainer-2", "Kwame Asante", "kwame.asante", P.PEER_SUPPORT_WORKER, T.SERVICE_USER),
]

DOMAIN = "northbridge.example"


def load(world: dict) -> None:
    password = world["password"]
    org = services.create_organisation(None, world["organisation_name"])
    teams = {key: services.create_team(None, org, name, setting) for key, (name, setting) in TEAMS.items()}
    people = {}
    people["admin"] = services.create_user(
        None,
        name="Alex Morgan",
        email=f"alex.morgan@{DOMAIN}",
        profession=P.OTHER,
        organisation=org,
        password=password,
        is_org_admin=True,
    )
    people["platform-admin"] = services.create_user(
        None,
        name="Platform Administrator",
        email="platform.admin@equiptrain.example",
        profession=P.OTHER,
        organisation=None,
        password=password,
        is_platform_admin=True,
    )
    for i, (key, name, local, profession, team_key, manager) in enumerate(PEOPLE):
        user = services.create_user(
            None,
            name=name,
            email=f"{local}@{DOMAIN}",
            profession=profession,
            organisation=org,
            password=password,
            employee_number=f"NB{10400 + i}",
        )
        services.set_membership(
            None, user, teams[team_key], MembershipRole.MANAGER if manager else MembershipRole.MEMBER
        )
        people[key] = user
    for key, name, local, profession, kind in TRAINERS:
        people[key] = services.create_user(
            None,
            name=name,
            email=f"{local}@{DOMAIN}",
            profession=profession,
            organisation=org,
            password=password,
            trainer_kind=kind,
        )
    world.update(organisation=org, teams=teams, people=people)


def join_newcomer(world: dict) -> None:
    """Olivia Grant joined Willow Ward last week and was invited; she has not signed in, so she has done nothing (the
    ward's core day is still to come; she was not there for anything before)."""
    with timeline.at(timeline.NEWCOMER_JOINED):
        invited = services.create_user(
            None,
            name="Olivia Grant",
            email=f"olivia.grant@{DOMAIN}",
            profession=P.NURSE,
            organisation=world["organisation"],
        )
        services.set_membership(None, invited, world["teams"]["willow-ward"], MembershipRole.MEMBER)
        world["people"]["invited"] = invited

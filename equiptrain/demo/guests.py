"""Demo step: guests from outside the trust at the upcoming core workshop: a GP and a carers' centre worker who
have set a password and replied, and an advocate who has been invited but not yet replied."""

from __future__ import annotations

from equiptrain.accounts.models import Profession
from equiptrain.accounts.services import set_password
from equiptrain.extensions import db
from equiptrain.guests.services import invite_guest
from equiptrain.workshops import services as workshop_services

# key, name, email, role, profession, has replied (and set a password)
GUESTS = [
    (
        "guest-gp",
        "Dr Femi Okonjo",
        "femi.okonjo@riverside-surgery.example",
        "GP, Riverside Surgery",
        Profession.GP,
        True,
    ),
    (
        "guest-carers-centre",
        "Beth Holloway",
        "beth.holloway@northbridge-carers.example",
        "Support worker, Northbridge Carers' Centre",
        Profession.SUPPORT_WORKER,
        True,
    ),
    (
        "guest-advocate",
        "Lucy Marsh",
        "lucy.marsh@advocacy.example",
        "Independent mental health advocate, Northbridge Advocacy",
        Profession.OTHER,
        False,
    ),
]


def load(world: dict) -> None:
    workshop = world["workshops"]["upcoming"]
    trainer = world["people"]["trainer"]
    guests = {}
    for key, name, email, role, profession, replied in GUESTS:
        guest = invite_guest(trainer, workshop, name=name, email=email, role_description=role, profession=profession)
        if replied:
            set_password(guest, world["password"])
            workshop_services.reply(guest, workshop, True)
        guests[key] = guest
    world["people"].update(guests)
    db.session.flush()

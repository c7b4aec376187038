"""What each professional regulator asks of a registrant's CPD, and so what their revalidation (or renewal, or
appraisal) pack holds. Checked against the regulators' own guidance in December 2026; the README lists each.

- NMC (nurses, midwives, nursing associates): revalidation every 3 years; 35 hours of CPD of which 20
  participatory, 5 written reflective accounts on the NMC form, plus practice hours, feedback, a reflective
  discussion and confirmation, which happen outside the platform.
- HCPC (occupational therapists, practitioner psychologists, arts therapists, paramedics...): renewal every 2
  years against 5 CPD standards; 2.5% of each profession are audited and send a profile with a dated list of CPD
  over the 2 years, gaps of 3 months or more explained, and a mix of learning activities.
- Social Work England: renewal every registration year (1 December to 30 November); at least 2 pieces of CPD,
  at least one of them with a peer reflection.
- GMC (doctors): an annual appraisal, revalidation every 5 years, on six types of supporting information; CPD
  with reflection is one of them (royal colleges set credit guidance, e.g. 50 a year).
- No regulator (support workers, peer support workers, students...): a plain CPD summary for supervision or
  appraisal.
"""

from __future__ import annotations

from dataclasses import dataclass

from equiptrain.accounts.models import User


@dataclass(frozen=True)
class Regulator:
    key: str
    name: str
    title: str  # the pack's title
    date_label: str  # what the pack's end date is
    window_months: int
    # What the regulator asks, in the pack's own words (each a line).
    asks: tuple[str, ...]
    # Required figures the pack totals up: (label, required) for hours, participatory hours, reflections.
    required_hours: float | None = None
    required_participatory: float | None = None
    required_reflections: int | None = None
    reflections_label: str = "Written reflections"
    # Only reflections written on this template count (None: any template).
    template: str | None = None
    # Supporting information the pack cannot hold, to bring from elsewhere.
    elsewhere: tuple[str, ...] = ()


REGULATORS: dict[str, Regulator] = {
    r.key: r
    for r in (
        Regulator(
            "nmc",
            "Nursing and Midwifery Council (NMC)",
            "NMC revalidation pack",
            "Your revalidation date",
            36,
            (
                "Every 3 years: 35 hours of CPD, of which 20 participatory.",
                "5 written reflective accounts on the NMC form, each linked to the Code.",
                "Also (not held here): 450 practice hours, 5 pieces of practice-related feedback, a reflective "
                "discussion with another registrant, a health and character declaration, indemnity, confirmation.",
            ),
            required_hours=35,
            required_participatory=20,
            required_reflections=5,
            reflections_label="Written reflective accounts",
            template="nmc",
            elsewhere=(
                "Practice hours (450 over 3 years)",
                "5 pieces of practice-related feedback",
                "Reflective discussion form",
                "Confirmation form",
            ),
        ),
        Regulator(
            "hcpc",
            "Health and Care Professions Council (HCPC)",
            "HCPC CPD record and profile evidence",
            "Your renewal date",
            24,
            (
                "Every 2 years you declare that you meet the 5 standards for CPD: a continuous, up-to-date and "
                "accurate record; a mix of learning activities relevant to current or future practice; CPD that "
                "has improved your practice and service delivery, and benefits service users; and a written "
                "profile with evidence if you are chosen for audit (2.5% of each profession).",
                "An audit profile lists every CPD activity of the last 2 years by date and explains any gap of 3 "
                "months or more.",
            ),
            reflections_label="Reflections on what you learnt and how service users benefit",
            elsewhere=("Summary of your practice history (up to 500 words)", "Your personal statement"),
        ),
        Regulator(
            "swe",
            "Social Work England",
            "Social Work England CPD record",
            "End of your registration year",
            12,
            (
                "Every registration year (1 December to 30 November): at least 2 pieces of CPD recorded in your "
                "Social Work England account, what you learnt and the impact on your practice and the people you "
                "work with.",
                "At least one piece includes a peer reflection: what you learnt from discussing it with a peer "
                "(a colleague, supervision, a reflective team meeting).",
            ),
            required_reflections=2,
            reflections_label="Pieces of CPD with a written reflection",
            elsewhere=("Your peer reflection, if it is not in one of the reflections below",),
        ),
        Regulator(
            "gmc",
            "General Medical Council (GMC)",
            "CPD for your medical appraisal (GMC revalidation)",
            "Your appraisal date",
            12,
            (
                "Every year an appraisal, and every 5 years revalidation, on six types of supporting information: "
                "CPD, quality improvement activity, significant events, feedback from colleagues, feedback from "
                "patients, and compliments and complaints.",
                "CPD should come with reflection on what you learnt and its effect on your practice; your royal "
                "college sets credit guidance (the Royal College of Psychiatrists and RCGP: 50 a year).",
            ),
            required_hours=50,
            reflections_label="Reflections on your CPD",
            elsewhere=(
                "Quality improvement activity",
                "Significant events",
                "Feedback from colleagues",
                "Feedback from patients",
                "Compliments and complaints",
            ),
        ),
        Regulator(
            "none",
            "",
            "CPD summary",
            "End of the period",
            12,
            ("Your CPD over the 12 months, for supervision or an appraisal with your manager.",),
            reflections_label="Reflections",
        ),
    )
}

# Profession (the value of accounts.models.Profession) -> regulator. Professions added later default to none.
BY_PROFESSION = {
    "nurse": "nmc",
    "midwife": "nmc",
    "nursing_associate": "nmc",
    "occupational_therapist": "hcpc",
    "psychologist": "hcpc",
    "arts_therapist": "hcpc",
    "paramedic": "hcpc",
    "social_worker": "swe",
    "psychiatrist": "gmc",
    "gp": "gmc",
    "doctor": "gmc",
}


def for_user(user: User) -> Regulator:
    profession = getattr(user.profession, "value", None)
    return REGULATORS[BY_PROFESSION.get(profession or "", "none")]


def choices() -> list[tuple[str, str]]:
    return [(r.key, r.name or "No regulator: a plain CPD summary") for r in REGULATORS.values()]

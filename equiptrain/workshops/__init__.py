"""Whole-team workshops: scheduling, co-delivery, invitations, register, console, live role play, feedback."""

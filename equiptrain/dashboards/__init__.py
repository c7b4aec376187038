"""Managers' and programme leads' views of their teams' training: read-only queries over the learning,
workshop and reflection records, plus the organisation's training settings and reminders."""

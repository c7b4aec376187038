"""The audit log: who did what, when (`services.log_event`). Not the care-plan audit (`careaudit`), nor the course
content's checks (`content.checks`)."""

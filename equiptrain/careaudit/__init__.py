"""The care-plan audit: teams score their own care plans against the criteria in course_content/audit.yaml, in a
baseline round before the core workshop and a follow-up round after the team supervision sessions, and see the
change. Nothing that identifies a service user is stored. (Not the audit log, `auditlog/`, nor the course content's
checks, `content.checks`; the criteria's content is `content.audit_criteria`.)"""

"""The care-plan audit: teams score their own care plans against the criteria in course_content/audit.yaml, in a
baseline round before the core workshop and a follow-up round after the team supervision sessions, and see the
change. Nothing that identifies a service user is stored. (Not to be confused with `audit/`, the audit log.)"""

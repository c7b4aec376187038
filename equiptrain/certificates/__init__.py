"""Certificates: rules from programme.yaml, issuing once per changed learner just before the commit (after the
learning and register events have run), the PDF, public verification, and the same achievement as Open Badges 2.0
(hosted) and 3.0 (signed credential)."""

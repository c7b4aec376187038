"""Certificates: rules from programme.yaml, issuing on the learning and register events, the PDF, public
verification, and the same achievement as Open Badges 2.0 (hosted) and 3.0 (signed credential)."""

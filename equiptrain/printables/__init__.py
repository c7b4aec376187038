"""Printable downloads: each unit, and each role play's pack, as a tagged PDF to take away or use offline."""

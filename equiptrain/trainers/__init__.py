"""Lived-experience trainers' selection records (organisation administrators only) and declared connections."""

"""Pre-registration students on placement: an account linked to a university and a placement team."""

"""People, organisations, teams, roles, sign-in and invitations."""

"""Workshop guests: people from outside the team and the organisation, with accounts limited to one workshop."""

"""Review comments: lived-experience trainers comment on units from the site; the course team decides on them."""

"""Team supervision after the core: a plan of sessions per team with due dates, the session templates from
course_content/supervision/, and the team's action plan reviewed at each session."""

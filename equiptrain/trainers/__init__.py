"""Trainers, in one place: the trainer role (profile and kind; ended, never deleted, when the role is removed), the
modules each trainer is prepared to deliver, lived-experience trainers' train-the-trainers and selection records,
declared connections with teams, and the admin pages for them (`/admin/trainers/`). Imports accounts; accounts
offers and sets the role through `accounts.roles`, which this feature registers with from the app factory."""

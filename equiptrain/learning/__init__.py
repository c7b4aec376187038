"""The learner's path: my programme, unit pages, knowledge checks, solo practice and module progress."""

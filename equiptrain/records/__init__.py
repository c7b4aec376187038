"""Trust records: staff sync from ESR, the competence export, and xAPI statements to a learning record store."""

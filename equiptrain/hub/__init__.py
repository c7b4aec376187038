"""The administration hub: one page linking every administration page (the header carries one link to it)."""

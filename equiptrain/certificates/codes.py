"""Verification codes: 140 random bits in Crockford's base32 (no I, L, O or U), shown in groups of four.

Typed codes are forgiving: case, spaces and dashes are ignored, and the look-alikes O, I and L read as 0, 1, 1.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28  # 28 x 5 = 140 bits, more than the 128 asked for, and seven even groups
GROUP = 4
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CANONICAL = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    """A fresh code, stored without dashes."""
    number = secrets.randbits(LENGTH * 5)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH))


def grouped(code: str) -> str:
    """The code as people read it: XXXX-XXXX-..."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code."""
    code = re.sub(r"[\s\-]+", "", typed or "").upper().translate(_LOOK_ALIKES)
    return code if _CANONICAL.match(code) else None

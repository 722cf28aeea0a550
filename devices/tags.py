"""Asset tags: short, printed as QR codes, and unambiguous when read aloud in French.

The alphabet leaves out the letters and digits that sound or look alike (B/D/P/T/V "é" sounds, M/N,
O/0, I/1/L, S/5, Z/2, G/J, Q/K, U/W...): what remains is said distinctly on the phone in a workshop.
"""

import re
import secrets

ALPHABET = "AFHJKRWXY2345679"
GROUP = 3
LENGTH = 6
_CLEAN = re.compile(r"[\s\-_.]")
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def asset_tag_generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:GROUP]}-{raw[GROUP:]}"


def asset_tag_normalize(value: str) -> str | None:
    """The canonical form (`K7X-4A9`) of what a person typed or a scanner read, or None."""
    raw = _CLEAN.sub("", value or "").upper()
    if not _VALID.match(raw):
        return None
    return f"{raw[:GROUP]}-{raw[GROUP:]}"

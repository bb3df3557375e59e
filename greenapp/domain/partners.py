"""Partners (charities and sponsors) and the API keys that let them in."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Final

API_KEY: Final = re.compile(r"^gak_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$")
# What a key may do besides its partner's own business. Only the operator grants a role.
REVIEWER: Final = "reviewer"  # reviews appeals of flagged days


@dataclass(frozen=True, slots=True)
class Partner:
    partner_id: str
    name: str


@dataclass(frozen=True, slots=True)
class StoredKey:
    partner_id: str
    key_sha256: str
    revoked: bool


def key_digest(secret: str) -> str:
    """Keys are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def compose_key(key_id: str, secret: str) -> str:
    return f"gak_{key_id}_{secret}"


def parse_key(presented: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    match = API_KEY.match(presented.strip())
    return None if match is None else (match.group(1), match.group(2))


def key_matches(stored: StoredKey, secret: str) -> bool:
    return not stored.revoked and hmac.compare_digest(stored.key_sha256, key_digest(secret))

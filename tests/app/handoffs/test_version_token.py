"""A handoff page's version never reads as a card number: CI failed once because it did.

The version is a fingerprint of what the page shows. Spelt as hex, about one page in 600 got a version such
as ``d741400631346efbcc20`` whose digit run 741400631346 is Luhn-valid, and the console's own check that no
card number leaves in the answer failed on the version, not on anything a customer wrote.
"""

from __future__ import annotations

import hashlib

from agents.safety.redact import contains_full_pan, letters_digest
from app.handoffs.service import version_of


def _hex_version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def test_a_hex_version_could_read_as_a_card_number() -> None:
    assert contains_full_pan("d741400631346efbcc20")
    unlucky = [n for n in range(20_000) if contains_full_pan(_hex_version(f"page {n}"))]
    assert unlucky  # the old spelling, on pages that differ only in their text


def test_the_version_never_does_and_stays_a_fingerprint() -> None:
    unlucky = next(f"page {n}" for n in range(20_000) if contains_full_pan(_hex_version(f"page {n}")))
    version = version_of(unlucky)

    assert not contains_full_pan(version)
    assert len(version) == 20
    assert not any(ch.isdigit() for ch in version)
    assert version_of(unlucky) == version  # the same page, the same version in every process
    assert version_of(unlucky + " ") != version
    versions = {version_of(f"page {n}") for n in range(20_000)}
    assert len(versions) == 20_000
    assert not [v for v in versions if contains_full_pan(v)]


def test_letters_digest_keeps_the_digests_information() -> None:
    # The letters stand one for one for the hex digits, so no two texts share a digest more than hex would.
    text = "anything"
    assert letters_digest(text, 64).translate(str.maketrans("ghijklmnop", "0123456789")) == (
        hashlib.sha256(text.encode()).hexdigest()
    )

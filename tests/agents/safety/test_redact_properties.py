from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.safety.checksums import luhn_check_digit
from agents.safety.normalise import fold, normalise
from agents.safety.redact import contains_full_pan, redact

SEPARATORS = ["", " ", "-", ".", "  ", " - ", "\u00a0"]
# Free text around the PAN: letters, punctuation, spaces and short digit groups.
filler = st.text(
    alphabet=st.sampled_from(list("abcxyz .,:;!?()£$-/#'\"\n") + list("0123456789")), max_size=30
)


@st.composite
def luhn_pans(draw: st.DrawFn) -> str:
    length = draw(st.integers(min_value=13, max_value=19))
    first = draw(st.sampled_from("123456789"))
    body = draw(st.text(alphabet="0123456789", min_size=length - 2, max_size=length - 2))
    partial = first + body
    return partial + luhn_check_digit(partial)


@st.composite
def formatted(draw: st.DrawFn, pan: str) -> str:
    separator = draw(st.sampled_from(SEPARATORS))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(pan) - 1), max_size=5)))
    groups = [pan[a:b] for a, b in zip([0, *cuts], [*cuts, len(pan)], strict=True)]
    if "." in separator:
        # Documented rule: a dot only joins groups of three or more digits ("1234.56" is an amount,
        # "12.03.2024" a date), so dotted PANs are drawn with groups of at least three digits; and one
        # point between just two groups is a decimal number ("1732800000.123456"), so with three groups
        # or more.
        groups = [pan[i : i + size] for i, size in _dotted_group_starts(draw, len(pan))]
    return separator.join(groups)


def _dotted_group_starts(draw: st.DrawFn, length: int) -> list[tuple[int, int]]:
    first = draw(st.integers(min_value=3, max_value=length - 6))
    groups: list[tuple[int, int]] = [(0, first)]
    position = first
    while length - position >= 6:
        size = draw(st.integers(min_value=3, max_value=length - position - 3))
        groups.append((position, size))
        position += size
    groups.append((position, length - position))
    return groups


@st.composite
def messages_with_pan(draw: st.DrawFn) -> tuple[str, int, int]:
    pan = draw(luhn_pans())
    shown = draw(formatted(pan))
    before = draw(filler)
    after = draw(filler)
    # A word boundary on each side: a PAN glued to other digits is a different number.
    start = len(before) + 1
    return f"{before} {shown} {after}", start, start + len(shown)


@settings(max_examples=400, deadline=None)
@given(messages_with_pan())
def test_no_luhn_valid_pan_survives_redaction(case: tuple[str, int, int]) -> None:
    text, pan_start, pan_end = case
    result = redact(text)
    # Every digit of the PAN lies inside a card finding (it may be a longer Luhn-valid number
    # that swallowed neighbouring digits, which is masked just the same).
    covered = [
        f for f in result.findings if f.type == "card_number" and f.start <= pan_start and pan_end <= f.end
    ]
    assert covered, (text, result.findings)
    assert not contains_full_pan(result.redacted)
    assert text[pan_start:pan_end] not in result.redacted
    assert redact(result.redacted).findings == []


@settings(max_examples=200, deadline=None)
@given(messages_with_pan())
def test_contains_full_pan_sees_every_embedded_pan(case: tuple[str, int, int]) -> None:
    text, _, _ = case
    assert contains_full_pan(text)


# Any text at all, weighted towards what folding changes: wide and other-script digits, invisible marks,
# dashes, odd spaces, markup.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("0123456789 -<>/span\u200b\u00ad\u2014\u2212\u3000\uff11\u0661\u00b9\u2074\n")),
    ),
    max_size=80,
)


@given(any_text)
@settings(max_examples=400)
def test_fold_is_the_text_that_normalise_gives(text: str) -> None:
    """The guard's fast path (no offsets map) folds exactly as the redactor's normalisation does."""
    assert fold(text) == normalise(text).text


# The card-number guard's two shortcuts (issue 14: it scans every stored row, 30 kB audit payloads included)
# must find exactly what the plain scans found: the same digit runs long enough for a card, and the same
# opaque tokens blanked.
_SCAN_ALPHABET = list("0123456789abcdefxyzABCDEF -_.,:/()+\"'[]£\n") + ["\u00a0", "٣"]
_scanned = st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from(_SCAN_ALPHABET), max_size=40),
        st.uuids().map(str),
        st.text(alphabet="0123456789abcdef", min_size=30, max_size=70),
        st.text(alphabet="0123456789 -_", min_size=10, max_size=30),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=600)
@given(_scanned)
def test_the_guards_shortcuts_find_what_the_plain_scans_find(text: str) -> None:
    from agents.safety import redact as module

    plain_blanked = module._OPAQUE_TOKEN.sub(lambda m: "x" * len(m.group()), text)
    assert module._without_opaque_tokens(text) == plain_blanked
    plain_runs = [
        (m.start(), m.end())
        for m in module._DIGIT_RUN.finditer(plain_blanked)
        if sum(c.isdigit() for c in m.group()) >= module.CARD_MIN_DIGITS
    ]
    assert [(m.start(), m.end()) for m in module._card_length_runs(plain_blanked)] == plain_runs

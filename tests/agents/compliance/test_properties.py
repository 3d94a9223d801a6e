from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.compliance import ComplianceContext, check_draft

_CONTEXT = ComplianceContext(
    first_reply=False, is_complaint_ack=False, ombudsman_text="Financial Ombudsman Service"
)

card_numbers = st.integers(min_value=13, max_value=19).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n - 1, max_size=n - 1).map(lambda rest: "4" + rest)
)
separators = st.sampled_from(["", " ", "-", "  "])


@settings(max_examples=200, deadline=None)
@given(
    number=card_numbers,
    separator=separators,
    prefix=st.sampled_from(["Card ", "Your card is ", "Refund to "]),
)
def test_any_card_length_number_leaves_only_its_last_four(number: str, separator: str, prefix: str) -> None:
    spaced = separator.join(number[i : i + 4] for i in range(0, len(number), 4))
    result = check_draft(f"{prefix}{spaced} has been updated.", _CONTEXT)
    assert result.outcome == "rewrite"
    assert f"****{number[-4:]}" in result.text
    assert not re.search(r"\d(?:[ \-]*\d){4,}", result.text)
    assert all(not re.search(r"\d{5,}", f.detail) for f in result.findings)
    assert check_draft(result.text, _CONTEXT).outcome == "pass"


def test_a_card_number_after_is_keeps_its_last_four() -> None:
    # Found by the property above: "is 4541...3951 has been" was once masked as an Icelandic IBAN.
    result = check_draft("Your card is 45414514522213951 has been updated.", _CONTEXT)
    assert result.text == "Your card is ****3951 has been updated."

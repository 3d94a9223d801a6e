"""Issue 11, finding 5: card numbers, CVVs, IBANs and sort codes in forms the redactor used to miss."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from agents.safety.redact import contains_full_pan, redact
from tests.agents.safety.pan_forms import recoverable, sentences_with_pan

VISA = "4111111111111111"
MAESTRO_12 = "500000000009"  # Luhn-valid, 12 digits (ISO/IEC 7812 allows 12-19; Maestro issues them)

FORMS = {
    "full-width digits and U+3000": "my card ４１１１\u3000１１１１\u3000１１１１\u3000１１１１ thanks",
    "full-width hyphens": "my card ４１１１－１１１１－１１１１－１１１１ thanks",
    "newlines": "my card\n4111\n1111\n1111\n1111\nthanks",
    "four spaces": "my card 4111    1111    1111    1111 thanks",
    "slash with spaces": "my card 4111 / 1111 / 1111 / 1111 thanks",
    "comma and space": "my card 4111, 1111, 1111, 1111 thanks",
    "zero-width spaces": "my card 4111\u200b1111\u200b1111\u200b1111 thanks",
    "em dashes": "my card 4111\u20141111\u20141111\u20141111 thanks",
    "minus signs": "my card 4111\u22121111\u22121111\u22121111 thanks",
    "soft hyphens": "my card 4111\u00ad1111\u00ad1111\u00ad1111 thanks",
    "double hyphens": "my card 4111--1111--1111--1111 thanks",
    "parenthesised group": "my card (4111) 1111 1111 1111 thanks",
    "parentheses inside": "my card 4111 (1111) 1111 1111 thanks",
    "leading plus": "my card +4111 1111 1111 1111 thanks",
    "leading plus glued": "my card +4111111111111111 thanks",
    "superscript digits": "my card \u2074\u00b9\u00b9\u00b9 "
    + " ".join(["\u00b9\u00b9\u00b9\u00b9"] * 3)
    + " thanks",
    "tabs and dots": "my card 4111\t1111.1111\t1111 thanks",
    "bidi marks": "my card 4111\u200e1111\u200f1111\u202a1111 thanks",
    "arabic-indic digits": "my card " + "".join(chr(0x0660 + int(c)) for c in VISA) + " thanks",
    "twelve digits spaced": "my maestro 5000 0000 0009 please",
    "twelve digits glued": "my maestro 500000000009 please",
    "twelve digits dashed": "maestro card 5000-0000-0009",
}


@pytest.mark.parametrize("text", FORMS.values(), ids=FORMS.keys())
def test_every_form_from_the_finding_is_redacted(text: str) -> None:
    pan = MAESTRO_12 if "maestro" in text else VISA
    assert contains_full_pan(text)
    result = redact(text)
    assert [f.type for f in result.findings] == ["card_number"]
    assert not recoverable(result.redacted, pan)
    assert not contains_full_pan(result.redacted)
    assert f"[card ending {pan[-4:]}]" in result.redacted
    assert result.redacted.startswith(("my ", "maestro"))
    assert result.redacted.endswith(("thanks", "please", "]"))
    assert redact(result.redacted).findings == []


def test_raw_span_is_replaced_exactly() -> None:
    text = "a ４１１１\u200b１１１１ １１１１－１１１１ b"
    result = redact(text)
    (finding,) = result.findings
    assert text[finding.start : finding.end] == "４１１１\u200b１１１１ １１１１－１１１１"
    assert result.redacted == "a [card ending 1111] b"


@pytest.mark.parametrize(
    "text",
    [
        "card ending 4242",
        "my card ending in 4242 was declined",
        "call me on +44 20 7946 0958 please",
        "call me on +44 7700 900123",
        "phone (020) 7946 0958",
        "I paid £1,234.56 on 12/03/2024",
        "between 01/03/2024 and 15/03/2024",
        "it cost $100, $250 and $1,300.00",
        "top up 20, 50 or 100",
        "date 2024-03-12 time 12:30:45",
        "transaction id 12345678901234567890",
        "my account number is 12345678",
        "I was charged 120.00 then 45.99",
        "reference 123456",
    ],
)
def test_near_misses_stay(text: str) -> None:
    assert redact(text).findings == []
    assert not contains_full_pan(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4111 1111 1111 1111 12/27 123", "123"),
        ("4111 1111 1111 1111, 12/27, 123", "123"),
        ("4111 1111 1111 1111 exp 12/27 123", "123"),
        ("4111 1111 1111 1111 expiry 12/2027 4321", "4321"),
        ("card 4111-1111-1111-1111 988", "988"),
        ("exp 09/28 321", "321"),
        ("expires 09/28, 321", "321"),
        ("４１１１ １１１１ １１１１ １１１１ １２/２７ １２３", "１２３"),
    ],
)
def test_cvv_after_a_card_number_or_expiry_needs_no_keyword(text: str, code: str) -> None:
    result = redact(text)
    start = text.rindex(code)
    # The code is a finding of its own, or the tail of a longer Luhn-valid reading of the card number.
    assert any(f.start <= start and start + len(code) <= f.end for f in result.findings), result
    assert [f.type for f in result.findings if f.start >= start] in (["cvv"], [])
    assert "[CVV removed]" in result.redacted
    assert not result.redacted.rstrip().endswith(code)


def test_a_code_that_completes_a_longer_luhn_valid_number_is_masked_with_it() -> None:
    # "4111111111111111987" is itself Luhn-valid: the whole stretch goes as one card number.
    assert redact("card 4111-1111-1111-1111 987").redacted == "card [card ending 1987]"


@pytest.mark.parametrize(
    "text",
    [
        "on 12/03 I paid 150",
        "card ending 4242 was charged 12/03 for 150 pounds",
        "exp 09/28 costs 100 dollars",
        "4111 1111 1111 1111 and I paid 250",
    ],
)
def test_no_cvv_without_a_card_or_expiry_right_before(text: str) -> None:
    assert [f for f in redact(text).findings if f.type == "cvv"] == []


@pytest.mark.parametrize(
    "text",
    [
        "IBAN GB82  WEST  1234  5698  7654  32 thanks",
        "IBAN GB82.WEST.1234.5698.7654.32 thanks",
        "iban DE89 3704 0044 0532 0130 00.",
        "iban ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００",
        "IBAN GB82\u200bWEST\u200b1234\u200b5698\u200b7654\u200b32",
    ],
)
def test_iban_with_double_spaces_dots_or_odd_characters(text: str) -> None:
    result = redact(text)
    assert [f.type for f in result.findings] == ["iban"]
    assert "[IBAN ending" in result.redacted
    assert "5432" not in result.redacted.replace("[IBAN ending 5432]", "")


@pytest.mark.parametrize(
    "text",
    [
        "pay 20.00.00 12345678 today",
        "sort code 20.00.00 account 12345678",
        "sort code 20 00 00  account number 12345678",
        "20\u201300\u201300 12345678",
        "account 12345678 sort code 20.00.00",
    ],
)
def test_sort_code_with_dots_and_dashes(text: str) -> None:
    result = redact(text)
    assert [f.type for f in result.findings] == ["uk_account"]
    assert "12345678" not in result.redacted
    assert "[sort code removed]" in result.redacted


@settings(max_examples=500, deadline=None)
@given(sentences_with_pan())
def test_no_pan_written_in_any_form_survives(case: tuple[str, str]) -> None:
    text, pan = case
    assert contains_full_pan(text), text
    result = redact(text)
    assert not recoverable(result.redacted, pan), (text, result.redacted)
    assert not contains_full_pan(result.redacted), (text, result.redacted)
    assert redact(result.redacted).findings == []


@pytest.mark.parametrize(
    "text",
    [
        "the number on the front is 4539, 5229, 8170, 6",
        "is 6209.7116.5099.7367.21 blocked?",
        "here: 6252 / 6614 / 0477 / 0981 / 4",
    ],
)
def test_a_short_last_group_joins_long_ones_written_the_same_way(text: str) -> None:
    result = redact(text)
    assert [f.type for f in result.findings] == ["card_number"]
    assert not contains_full_pan(result.redacted)


@pytest.mark.parametrize(
    "text",
    [
        '{"confidence": 0.20930231772277638}',
        "rate 0.9170153372013591",
        "timestamp 1732800000.123456",
        "order number 5000 0000 0009",
        "reference 500000000009",
    ],
)
def test_decimals_and_referenced_short_numbers_are_not_cards(text: str) -> None:
    assert redact(text).findings == []
    assert not contains_full_pan(text)


@pytest.mark.parametrize(
    "text",
    [
        "hash deadbeef4111111111111111cafe0123456789abcdef",
        "id 41111111-1111-4111-8111-111111111111",
    ],
)
def test_hashes_and_uuids_are_not_cards(text: str) -> None:
    # The audit log's hashes and every table's ids go through the PAN guard on each flush.
    assert redact(text).findings == []
    assert not contains_full_pan(text)


@pytest.mark.parametrize(
    "text",
    [
        # a point after the 6-digit issuer number, not a decimal (failed before: read as one)
        "the card is 453201.5112830366",
        "cancel 601100.0000000004 please",
        # groups of four and a short last group after a point, not an amount's cents (failed before)
        "my card 6104 3321-8196.05 was taken",
        "freeze 5133 8908-3863.70 now",
    ],
)
def test_a_point_inside_a_card_number_is_a_separator(text: str) -> None:
    result = redact(text)
    assert [f.type for f in result.findings] == ["card_number"], result
    assert not contains_full_pan(result.redacted)


@pytest.mark.parametrize(
    "text",
    ["you paid 1234.56 twice", "fees 12.50 and 7.99", "rate 1.2345678901234", "epoch 1732800000.1234567"],
)
def test_amounts_and_ratios_with_points_stay(text: str) -> None:
    assert redact(text).findings == []


@pytest.mark.parametrize(
    "text",
    [
        # other marks between the groups (each missed before)
        "card 4526*0181*5908*3012 declined",
        "it's 3766\\131860\\91399",
        "number 6011;0996;0308;2468 please",
        "62281|948219|935186",
        "«4526»«0181»«5908»«3012» is mine",
        "https://bank.example/activate?card=5190+9378+6579+7544&exp=0331",
        "pasted <td>4526</td><td>0181</td><td>5908</td><td>3012</td>",
        # read out one digit at a time
        "my card 5,1,9,0,9,3,7,8,6,5,7,9,7,5,4,4 was swallowed",
    ],
)
def test_any_mark_between_groups_and_digit_by_digit(text: str) -> None:
    result = redact(text)
    assert [f.type for f in result.findings] == ["card_number"], result
    assert not contains_full_pan(result.redacted)


@pytest.mark.parametrize(
    "text",
    [
        "meet at 10:30:45 on 12/11",
        "pick 3;4;5 or 6",
        "paid 12.50; 7.99; 100.00 and 3.45",
        "see <b>page 12</b> of 30",
        "[card ending 2034] 00000001112",
    ],
)
def test_times_lists_markup_and_masks_stay(text: str) -> None:
    assert not [f for f in redact(text).findings if f.type == "card_number"]

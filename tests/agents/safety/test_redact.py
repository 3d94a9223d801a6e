from __future__ import annotations

import pytest

from agents.safety.checksums import iban_is_valid, luhn_check_digit, luhn_is_valid
from agents.safety.redact import Finding, contains_full_pan, mask_outbound, redact

VISA = "4111111111111111"
AMEX = "378282246310005"  # 15 digits
VALID_IBAN = "GB82WEST12345698765432"


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in redact(text).findings]


def test_checksums() -> None:
    assert luhn_is_valid(VISA)
    assert not luhn_is_valid("4111111111111112")
    assert luhn_is_valid("7992739871" + luhn_check_digit("7992739871"))
    assert iban_is_valid(VALID_IBAN)
    assert iban_is_valid("de89370400440532013000")
    assert not iban_is_valid("GB82WEST12345698765433")


def test_iban_needs_its_country_structure_not_only_the_check_digits() -> None:
    # "is" + a card number + "has been" makes a 26-character run that starts like an Icelandic IBAN and
    # passes mod-97 by chance (1 in 97); Iceland's BBAN is 22 digits, so it is no IBAN.
    run = "IS45414514522213951HASBEEN"
    assert int("".join(str(int(c, 36)) for c in run[4:] + run[:4])) % 97 == 1
    assert not iban_is_valid(run)
    assert iban_is_valid("IS140159260076545510730339")
    assert redact("Your card is 45414514522213951 has been updated.").findings == []  # not Luhn-valid either


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("my card is 4111 1111 1111 1111 thanks", "4111 1111 1111 1111"),
        ("card: 4111-1111-1111-1111.", "4111-1111-1111-1111"),
        ("4111.1111.1111.1111 exp 12/27", "4111.1111.1111.1111"),
        ("number 4111111111111111", VISA),
        ("amex 3782 822463 10005 please", "3782 822463 10005"),
        ("spaced 4111  1111  1111  1111 end", "4111  1111  1111  1111"),
        ("full width ４１１１１１１１１１１１１１１１ here", "４１１１１１１１１１１１１１１１"),
    ],
)
def test_card_numbers_are_masked_to_last_four(text: str, span: str) -> None:
    result = redact(text)
    start = text.index(span)
    assert result.findings == [Finding("card_number", start, start + len(span))]
    assert span not in result.redacted
    assert "[card ending" in result.redacted
    assert result.redacted.count("ending 1111") + result.redacted.count("ending 0005") == 1


@pytest.mark.parametrize(
    "text",
    [
        "card 4111111111111112 (Luhn-invalid)",
        "I paid £1234.56 on 12.03.2024",
        "call me on +44 20 7946 0958 or 07700 900123",
        "transaction id 12345678901234567890 and TX-2024-000123",
        "my account number is 12345678",
        "order 0044 7700 900 123 456",
        "the amounts were 120, 45.20 and 1,300.00",
        "date 2024-03-12 time 12:30",
    ],
)
def test_near_misses_are_left_alone(text: str) -> None:
    assert redact(text) == type(redact(text))(text, [])
    assert not contains_full_pan(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("my cvv 123", "123"),
        ("CVC: 456 and expiry 04/27", "456"),
        ("the security code is 1234", "1234"),
        ("the 3 digits on the back are 123", "123"),
        ("789 is my cvv", "789"),
    ],
)
def test_cvv_in_context(text: str, code: str) -> None:
    result = redact(text)
    start = text.rindex(code)
    assert result.findings == [Finding("cvv", start, start + len(code))]
    assert "[CVV removed]" in result.redacted
    assert code not in result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "what is a cvv?",
        "my cvv doesn't work, I paid £123",
        "security code expired after 10 minutes",
        "123 people",
    ],
)
def test_cvv_near_misses(text: str) -> None:
    assert [f for f in redact(text).findings if f.type == "cvv"] == []


def test_iban_verified_by_checksum_with_offsets() -> None:
    text = "IBAN GB82 WEST 1234 5698 7654 32, thanks"
    result = redact(text)
    span = "GB82 WEST 1234 5698 7654 32"
    assert result.findings == [Finding("iban", 5, 5 + len(span))]
    assert result.redacted == "IBAN [IBAN ending 5432], thanks"
    assert redact("IBAN GB82 WEST 1234 5698 7654 33").findings == []
    assert redact("code AB12 3456 7890 1234 5678").findings == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("pay 20-00-00 12345678 today", "20-00-00 12345678"),
        ("sort code 200000 account 12345678", "200000 account 12345678"),
        ("sort code: 20 00 00, account number 12345678", "20 00 00, account number 12345678"),
        ("account 12345678 sort code 20-00-00", "12345678 sort code 20-00-00"),
    ],
)
def test_uk_sort_code_and_account(text: str, span: str) -> None:
    result = redact(text)
    start = text.index(span)
    assert result.findings == [Finding("uk_account", start, start + len(span))]
    assert "12345678" not in result.redacted
    assert "[account ending 5678]" in result.redacted
    assert "[sort code removed]" in result.redacted


@pytest.mark.parametrize(
    ("text", "span"),
    [("my SSN is 123-45-6789", "123-45-6789"), ("social security number 123 45 6789", "123 45 6789")],
)
def test_ssn(text: str, span: str) -> None:
    start = text.index(span)
    result = redact(text)
    assert result.findings == [Finding("ssn", start, start + len(span))]
    assert result.redacted == text.replace(span, "[SSN removed]")


@pytest.mark.parametrize(
    "text",
    ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "078-05-1120", "123456789"],
)
def test_invalid_or_contextless_ssn_is_not_flagged(text: str) -> None:
    assert redact(text).findings == []


def test_several_types_in_one_message_keep_input_offsets() -> None:
    text = f"card {VISA} cvv 123, ssn 123-45-6789, iban {VALID_IBAN}"
    result = redact(text)
    assert [(f.type, text[f.start : f.end]) for f in result.findings] == [
        ("card_number", VISA),
        ("cvv", "123"),
        ("ssn", "123-45-6789"),
        ("iban", VALID_IBAN),
    ]
    assert result.redacted == (
        "card [card ending 1111] cvv [CVV removed], ssn [SSN removed], iban [IBAN ending 5432]"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"card {VISA} cvv 123 and 20-00-00 12345678",
        "cvv: 123, and amount 456",
        f"{VISA} 1234 5678 {AMEX}",
        "9 4111 1111 1111 1111 2",
        f"IBAN {VALID_IBAN} ssn 123-45-6789 security code 999",
    ],
)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert once.findings
    assert redact(once.redacted).findings == []
    assert not contains_full_pan(once.redacted)


def test_card_beats_an_overlapping_sort_code_reading() -> None:
    # Found by hypothesis: "00 00 00" + "00000008" also reads as a sort code and account, which would
    # have left the leading digits of this Luhn-valid number in the clear.
    text = " 1 0 00 00 0000000008 "
    result = redact(text)
    assert result.findings == [Finding("card_number", 1, 21)]
    assert not contains_full_pan(result.redacted)


def test_contains_full_pan() -> None:
    assert contains_full_pan(f"x {VISA[:4]} {VISA[4:10]} {VISA[10:]} y")
    assert not contains_full_pan("4111 1111 1111 1112")
    assert not contains_full_pan("[card ending 1111]")


def test_mask_outbound_masks_any_card_length_number_and_accounts() -> None:
    text = "Card 4111 1111 1111 1112 and account 12345678 and IBAN GB82WEST12345698765432; ref 1234"
    masked, findings = mask_outbound(text)
    assert masked == "Card ****1112 and account ****5678 and IBAN ****5432; ref 1234"
    assert [f.type for f in findings] == ["card_number", "uk_account", "iban"]
    assert text[findings[1].start : findings[1].end] == "12345678"


def test_mask_outbound_leaves_plain_numbers() -> None:
    text = "Your payment of £120.00 on 12/03/2024 (reference 12345678) was sent."
    assert mask_outbound(text) == (text, [])


def test_a_card_whose_last_group_looks_like_an_expiry_month_is_still_masked() -> None:
    # Found by the property test: "08 /00" reads like an expiry date, but "08" ends the card number.
    text = " 1 0 0 0 0000000000 08 /00"
    assert luhn_is_valid("1000000000000008")
    assert [f.type for f in redact(text).findings] == ["card_number"]
    # A real expiry after a whole card number stays outside it.
    pan = "4539 1488 0343 6467"
    found = redact(f"card {pan} 08/27").findings
    assert [(f.type, f.end - f.start) for f in found] == [("card_number", len(pan))]


def test_mask_outbound_shows_only_the_customers_own_account_numbers() -> None:
    text = "Current Account: sort code 92-40-58, account number 25774890. Paid to account 41234567."
    masked, findings = mask_outbound(text, own_accounts=["25774890"])
    assert "account number 25774890" in masked
    assert "41234567" not in masked
    assert "****4567" in masked
    assert [f.type for f in findings] == ["uk_account"]


def test_redact_keeps_own_details_only_in_a_reply_that_gives_them() -> None:
    text = "sort code 92-40-58, account number 25774890"
    assert redact(text, own_accounts={"25774890"}).redacted == text
    # Anyone else's (or the customer's own, typed by the customer): redacted as always.
    assert "25774890" not in redact(text).redacted
    assert "25774890" not in redact(text, own_accounts={"11112222"}).redacted

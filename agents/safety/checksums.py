"""Check digits used to tell real card and bank numbers from ordinary digit strings."""

from __future__ import annotations


def luhn_is_valid(digits: str) -> bool:
    """Luhn (mod 10) check used by every card scheme; `digits` holds ASCII digits only."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes `partial + digit` Luhn-valid (for building test data)."""
    for candidate in "0123456789":
        if luhn_is_valid(partial + candidate):
            return candidate
    raise AssertionError("unreachable: one of ten digits always completes a Luhn number")


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check on an IBAN without spaces (letters upper or lower case)."""
    iban = iban.upper()
    if len(iban) < 15 or not iban.isalnum() or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1

"""Check digits used to tell real card and bank numbers from ordinary digit strings."""

from __future__ import annotations

from stdnum import iban as stdnum_iban


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
    """An IBAN (spaces removed, either case) that python-stdnum accepts: a registered country, that country's
    length and BBAN structure (Iceland's is 22 digits, Britain's a bank code of 4 letters then 14 digits), and
    the ISO 13616 mod-97 check digits.

    The check digits alone are not enough: one letter-and-digit run in 97 passes them by chance, and "is"
    followed by a card number and ordinary words ("is 4541 ... has been") once did.
    """
    return bool(stdnum_iban.is_valid(iban))

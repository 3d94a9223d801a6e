"""Money as the customer reads it. Amounts are signed integer minor units (negative = money out).

``format_money`` keeps the sign in front of the symbol ("-£4.50"), which is how statements and the app
show money leaving an account; callers that want words ("£4.50 out") add them themselves.
"""

from __future__ import annotations

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_money(minor: int, currency: str) -> str:
    """``format_money(123456, "GBP") == "£1,234.56"``; ``format_money(-450, "GBP") == "-£4.50"``.

    A currency without a known symbol is written after the number ("12.00 CHF"). Every supported
    currency has two decimal places.
    """
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 100)
    number = f"{units:,}.{cents:02d}"
    symbol = SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{sign}{number} {currency.upper()}"
    return f"{sign}{symbol}{number}"

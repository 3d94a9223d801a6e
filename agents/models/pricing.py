"""Call cost in integer micro-dollars from per-million-token prices."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal


def cost_usd_micros(
    *, input_tokens: int, output_tokens: int, price_in_per_m: Decimal, price_out_per_m: Decimal
) -> int:
    """USD per million tokens times tokens is exactly micro-dollars; Decimal keeps it exact.

    Rounded up to a whole micro-dollar so budgets are never under-counted.
    """
    micros = Decimal(input_tokens) * price_in_per_m + Decimal(output_tokens) * price_out_per_m
    return int(micros.to_integral_value(rounding=ROUND_CEILING))

from __future__ import annotations

import pytest

from agents.procedures.money import format_money
from agents.procedures.render import TemplateError, placeholders, render


@pytest.mark.parametrize(
    ("minor", "currency", "expected"),
    [
        (123456, "GBP", "£1,234.56"),
        (1200, "EUR", "€12.00"),
        (-450, "GBP", "-£4.50"),
        (5, "USD", "$0.05"),
        (0, "GBP", "£0.00"),
        (-123456789, "GBP", "-£1,234,567.89"),
        (1000, "chf", "10.00 CHF"),
    ],
)
def test_format_money(minor: int, currency: str, expected: str) -> None:
    assert format_money(minor, currency) == expected


def test_render_fills_plain_fields_and_never_reparses_values() -> None:
    assert render("Hi {name}: {n}", {"name": "{secret}", "n": 3, "secret": "x"}) == "Hi {secret}: 3"


@pytest.mark.parametrize("template", ["{a.b}", "{a[0]}", "{a!r}", "{a:>10}", "{", "{0}"])
def test_templates_allow_only_plain_names(template: str) -> None:
    with pytest.raises(TemplateError):
        placeholders(template)


def test_render_names_the_missing_fact() -> None:
    with pytest.raises(TemplateError, match="last4"):
        render("ending {last4}", {})

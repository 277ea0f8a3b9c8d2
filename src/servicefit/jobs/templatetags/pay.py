"""``{% load pay %}``: a job's pay amount as the recruiter entered it, in the reader's locale.

``floatformat:"0g"`` rounded 165.50 to 166; an amount is a promise to a candidate, so it is
shown exactly: whole amounts without decimals (190, 26.000 in Danish), others with their cents
(165,50 in Danish, 165.50 in English). Used by the job page and the candidate's job preview.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def format_amount(value: Any) -> str:
    """The amount localised and grouped; no decimals when whole, else at least two."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        places = 0
    else:
        exponent = amount.normalize().as_tuple().exponent
        places = max(2, -exponent if isinstance(exponent, int) else 2)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def pay_amount(value: Any) -> str:
    return format_amount(value)

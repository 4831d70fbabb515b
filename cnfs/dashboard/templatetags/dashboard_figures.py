"""`{{ value|figure }}`: a dashboard's cell as French readers write numbers (1 504 166,67), text left as it is."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        return floatformat(value, "2g")
    if isinstance(value, int):
        return floatformat(value, "0g")
    return value

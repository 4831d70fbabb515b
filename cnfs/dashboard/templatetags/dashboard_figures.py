"""`{{ value|figure }}`: a dashboard's figure as French readers write numbers (1 504 166,67), text left as it is."""

from django import template

from cnfs.statistics.dashboards import display

register = template.Library()


@register.filter
def figure(value):
    return display(value)

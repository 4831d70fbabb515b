"""What coverage shows on other apps' pages (the préfet's review of an application), without those apps importing it."""

from django import template

from ..models import white_zone_km
from ..services import white_zone_population_near

register = template.Library()


@register.inclusion_tag("coverage/includes/application_coverage.html")
def application_coverage(application):
    """The inhabitants of the white-zone communes within the threshold of the application's location (its address's
    coordinates, else its commune's centre): what granting it would bring closer to a place."""
    latitude, longitude = application.latitude, application.longitude
    if (latitude is None or longitude is None) and application.commune_id:
        latitude, longitude = application.commune.latitude, application.commune.longitude
    if latitude is None or longitude is None:
        return {"known": False}
    communes, population = white_zone_population_near(latitude, longitude)
    return {"known": True, "communes": communes, "population": population, "threshold": white_zone_km()}

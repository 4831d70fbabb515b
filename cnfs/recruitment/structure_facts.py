"""What recruitment needs to know about a structure, derived from the concertation data (issue 3):
activated or not, its location and territory, the mission start date, posts granted and the recruitment deadline."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cnfs.candidates.models import territory_of
from cnfs.concertation import posts as concertation_posts
from cnfs.concertation.models import ApplicationStatus, StructureApplication


@dataclass(frozen=True)
class StructureFacts:
    structure: object
    activated: bool
    latitude: float | None
    longitude: float | None
    territory: str
    mission_start: date | None
    posts_granted: int
    deadline: date | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def availability_day(self) -> date:
        """Candidates must be available on the mission start date, or today if that date is past."""
        today = timezone.localdate()
        return max(self.mission_start, today) if self.mission_start else today

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()


def activated_application(structure):
    return (
        StructureApplication.objects.filter(structure=structure, status=ApplicationStatus.ACTIVATED)
        .select_related("commune", "departement")
        .order_by("-submitted_at", "-id")
        .first()
    )


def facts_for(structure) -> StructureFacts:
    application = activated_application(structure)
    latitude = longitude = None
    mission_start = None
    departement = structure.departement
    if application is not None:
        latitude, longitude = application.latitude, application.longitude
        mission_start = application.start_date
        departement = application.departement or departement
    if (latitude is None or longitude is None) and structure.commune_id:
        latitude, longitude = structure.commune.latitude, structure.commune.longitude
    return StructureFacts(
        structure=structure,
        activated=application is not None,
        latitude=latitude,
        longitude=longitude,
        territory=territory_of(departement),
        mission_start=mission_start,
        posts_granted=concertation_posts.posts_granted(structure) if application else 0,
        deadline=concertation_posts.recruitment_deadline(structure) if application else None,
    )

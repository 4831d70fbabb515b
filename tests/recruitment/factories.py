"""Factories of candidates and matches (issue 4), and an activated structure with its posts."""

import itertools

import factory
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.candidates.models import Candidate, Distance, PixResult
from cnfs.concertation.models import ApplicationStatus
from cnfs.recruitment.models import HOLDING_STATUSES, Match, MatchStatus
from cnfs.structures.models import Post, PostStatus
from cnfs.structures.services import grant_posts, record_activation, recruitment_deadline
from tests.factories import (
    CommitteeDecisionFactory,
    CommuneFactory,
    StructureApplicationFactory,
    StructureFactory,
    UserFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    user = factory.SubFactory(UserFactory, role=Role.CANDIDATE)
    commune = factory.SubFactory(CommuneFactory)
    is_job_seeker = True
    available_from = factory.LazyFunction(timezone.localdate)
    max_distance = Distance.KM_40
    motivation = "Je veux aider les habitants de mon territoire à utiliser le numérique."

    class Params:
        unconfirmed = factory.Trait(
            user=factory.SubFactory(UserFactory, role=Role.CANDIDATE, email_confirmed_at=None)
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """`latitude`/`longitude` place the candidate in a commune at that position (a candidate's position is its
        commune's, kept so by the database); `territory` is its département's, so it is not given either."""
        kwargs.pop("territory", None)
        lat, lon = kwargs.pop("latitude", None), kwargs.pop("longitude", None)
        commune = kwargs["commune"]
        if lat is not None and (commune.latitude, commune.longitude) != (lat, lon):
            kwargs["commune"] = CommuneFactory(
                insee_code=f"X{next(_COMMUNE_CODES):04d}",
                name=f"Commune à {lat:.4f}, {lon:.4f}",
                departement=commune.departement,
                latitude=lat,
                longitude=lon,
            )
        return super()._create(model_class, *args, **kwargs)


_COMMUNE_CODES = itertools.count()


class PixResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PixResult

    candidate = factory.SubFactory(CandidateFactory, pix_shared=True)
    level = 2
    professional_use = 55
    producing_resources = 40
    e_citizenship = 62
    tested_on = factory.LazyFunction(timezone.localdate)


def activated_structure(*, commune=None, departement=None, **kwargs):
    """A structure whose application is activated, with `posts` granted by a committee on `committee_date`."""
    commune = commune or CommuneFactory()
    options = {
        k: kwargs.pop(k)
        for k in ("latitude", "longitude", "posts", "start_date", "committee_date")
        if k in kwargs
    }
    structure = StructureFactory(commune=commune, departement=departement or commune.departement, **kwargs)
    return activate(structure, **options)


def activate(structure, *, latitude=46.5646, longitude=3.3326, posts=2, start_date=None, committee_date=None):
    """Gives an existing structure an activated application (at its commune, or Moulins) and `posts` posts, through
    the real services: the structure takes its facts from the application, the decision creates the posts."""
    commune = structure.commune or CommuneFactory()
    application = StructureApplicationFactory(
        submitted=True,
        status=ApplicationStatus.ACTIVATED,
        structure=structure,
        name=structure.name,
        siret=structure.siret,
        type=structure.type,
        commune=commune,
        departement=structure.departement,
        latitude=latitude,
        longitude=longitude,
        start_date=start_date or timezone.localdate(),
    )
    record_activation(application, by=None)
    if posts:
        decision = CommitteeDecisionFactory(
            application=application, posts=posts, committee_date=committee_date or timezone.localdate()
        )
        grant_posts(decision, by=None)
    structure.refresh_from_db()
    return structure


def hold_post(structure, status):
    """The post a match in a holding status holds: the structure's first free post (a factory convenience: one more
    post from its decision when all are taken)."""
    post = Post.objects.filter(structure=structure, status=PostStatus.FREE).order_by("deadline", "pk").first()
    if post is None:
        existing = Post.objects.filter(structure=structure).order_by("pk").first()
        decision = (
            existing.granted_by
            if existing
            else CommitteeDecisionFactory(
                application=structure.applications.order_by("pk").first()
                or StructureApplicationFactory(submitted=True, structure=structure)
            )
        )
        post = Post.objects.create(
            structure=structure,
            granted_by=decision,
            committee_date=decision.committee_date,
            deadline=recruitment_deadline(decision.committee_date),
        )
    post.status = PostStatus.HIRE_REQUESTED if status == MatchStatus.HIRE_REQUESTED else PostStatus.OCCUPIED
    post.save()
    return post


def structure_user(structure, **kwargs):
    from tests.factories import grant

    user = UserFactory(**kwargs)
    user.save()

    grant(user, Role.STRUCTURE, structure=structure, is_admin=True)
    return user


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    structure = factory.LazyFunction(activated_structure)
    candidate = factory.SubFactory(CandidateFactory)
    status = MatchStatus.NEW
    post = factory.LazyAttribute(
        lambda o: hold_post(o.structure, o.status) if o.status in HOLDING_STATUSES else None
    )

    class Params:
        shortlisted = factory.Trait(status=MatchStatus.SHORTLISTED)
        hire_requested = factory.Trait(status=MatchStatus.HIRE_REQUESTED)

import factory
from django.utils import timezone

from cnfs.accounts.models import Invitation, RoleAssignment, User, hash_token
from cnfs.accounts.roles import Role
from cnfs.structures.models import Structure, StructureType
from cnfs.territories.models import Commune, Departement, Hub, Region
from cnfs.training.models import TrainingProvider

PASSWORD = "Mot-de-passe-2026!"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "84"
    name = "Auvergne-Rhône-Alpes"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "03"
    name = "Allier"
    region = factory.SubFactory(RegionFactory)
    latitude = 46.39
    longitude = 3.19


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = "03190"
    name = "Moulins"
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")
    population = 19000
    latitude = 46.5646
    longitude = 3.3326


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Commune n° {n}")
    siret = factory.Sequence(lambda n: f"{21030190500000 + n:014d}")
    type = StructureType.COMMUNE
    departement = factory.SubFactory(DepartementFactory)


class TrainingProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProvider

    name = factory.Sequence(lambda n: f"Organisme de formation {n}")


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Hub {n}")

    @factory.post_generation
    def departements(self, create, extracted, **kwargs):
        if create:
            self.departements.add(*(extracted or [DepartementFactory()]))


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=Role.PREFECTURE)` also gives the user that role with a sensible scope."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.save()
            grant(self, extracted, **kwargs)


def default_scope(role: Role) -> dict:
    if role == Role.PREFECTURE:
        return {"departement": DepartementFactory()}
    if role == Role.STRUCTURE:
        return {"structure": StructureFactory(), "is_admin": True}
    if role == Role.HUB:
        return {"hub": HubFactory()}
    if role == Role.TRAINING_PROVIDER:
        return {"training_provider": TrainingProviderFactory()}
    return {}


def grant(user: User, role: Role, **scope) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, **(scope or default_scope(role)))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"jeton-invitation-{n:04d}-abcdefghijklmnop")
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    role = Role.BDT
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


# --- Structures applications and concertation (issue 3) ---

from stdnum import luhn  # noqa: E402

from cnfs.concertation.models import (  # noqa: E402
    ApplicationStatus,
    CommitteeDecision,
    DecisionOutcome,
    Mission,
    PrefectOpinion,
    StructureApplication,
    Wave,
)


def valid_siret(n: int) -> str:
    """A Luhn-valid SIRET, different for each n."""
    siren = f"{21030190 + n // 1000:08d}"
    siren += luhn.calc_check_digit(siren)
    base = f"{siren}{n % 1000:04d}"
    return base + luhn.calc_check_digit(base)


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    name = factory.Sequence(lambda n: f"Vague {n + 1}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=30))
    target_posts = 1000


class StructureApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default; `submitted=True` (or `status=...` with the matching traits) for a transmitted one."""

    class Meta:
        model = StructureApplication
        skip_postgeneration_save = True

    type = StructureType.COMMUNE
    siret = factory.Sequence(valid_siret)
    name = factory.Sequence(lambda n: f"Commune candidate n° {n}")
    address = "1 place de l'Hôtel de Ville"
    commune = factory.SubFactory(CommuneFactory)
    departement = factory.SelfAttribute("commune.departement")
    latitude = 46.5646
    longitude = 3.3326
    contact_first_name = "Marie"
    contact_last_name = "Lefèvre"
    contact_job_title = "Directrice générale des services"
    contact_email = factory.Sequence(lambda n: f"contact{n}@structure.fr")
    contact_phone = "+33470000000"
    advisors_wanted = 2
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=60))
    missions = factory.LazyFunction(lambda: [Mission.DAILY_USES, Mission.PROCEDURES])
    motivation = "Nous voulons accompagner les habitants éloignés du numérique."
    commitments_accepted_at = factory.LazyFunction(timezone.now)
    last_step = 5

    class Params:
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            email_confirmed_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class PrefectOpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrefectOpinion

    application = factory.SubFactory(StructureApplicationFactory, submitted=True)
    value = "favourable"
    comment = "Projet solide, territoire prioritaire."
    suggested_posts = 2
    by = factory.SubFactory(UserFactory)


class CommitteeDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeDecision

    application = factory.SubFactory(StructureApplicationFactory, submitted=True)
    outcome = DecisionOutcome.POSITIVE
    posts = 2
    committee_date = factory.LazyFunction(timezone.localdate)
    by = factory.SubFactory(UserFactory)

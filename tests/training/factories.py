"""Training test data through the real services: a provider covering the Allier (03), a hire whose grant file is
transmitted (which assigns the provider), completed, with a contract; a training positioned on a path; sessions."""

from datetime import date, timedelta

from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.training import services, sessions
from cnfs.training.models import PositioningResult, SessionMode, Training, TrainingPath, TrainingProvider
from tests.factories import CommuneFactory, DepartementFactory, UserFactory, grant
from tests.funding.factories import complete_hire, contract_for, hire_requested_match


def provider(name="Formation Allier", departements=("03",)) -> TrainingProvider:
    provider, _ = TrainingProvider.objects.get_or_create(
        name=name, defaults={"contact_email": "contact@formation.example", "contact_phone": "04 70 00 00 00"}
    )
    for code in departements:
        provider.departements.add(
            DepartementFactory(code=code)
            if code == "03"
            else DepartementFactory(code=code, name=f"Département {code}")
        )
    return provider


def provider_agent(training_provider) -> object:
    user = UserFactory()
    user.save()  # the password set after creation
    grant(user, Role.TRAINING_PROVIDER, training_provider=training_provider)
    return user


def hired_training(*, contract_start: date | None = None, training_provider=None, **kwargs) -> Training:
    """A hire completed (its grant file transmitted, which assigns the provider covering the structure's
    département) with a contract starting on `contract_start` (today by default)."""
    training_provider = training_provider or provider()
    match = complete_hire(hire_requested_match(**kwargs))
    start = contract_start or timezone.localdate()
    contract_for(match, signed_on=min(start, timezone.localdate()), start_date=start)
    return Training.objects.live().get(match=match)


def positioned(training: Training, agent, *, path=TrainingPath.FULL_TIME_280) -> Training:
    services.book_positioning(training, day=timezone.localdate(), by=agent, role=Role.TRAINING_PROVIDER)
    training = services.record_positioning(
        training, result=PositioningResult.INTERMEDIATE, score=62, by=agent, role=Role.TRAINING_PROVIDER
    )
    return services.assign_path(training, path=path, by=agent, role=Role.TRAINING_PROVIDER)


def session(
    training_provider, agent, *, start: date | None = None, path=TrainingPath.FULL_TIME_280, **values
):
    return sessions.create_session(
        training_provider,
        by=agent,
        centre_name=values.pop("centre_name", "Centre de Moulins"),
        address=values.pop("address", "12 rue de Paris"),
        commune=values.pop("commune", None) or CommuneFactory(),
        start_date=start or timezone.localdate() + timedelta(days=20),
        path=path,
        mode=values.pop("mode", SessionMode.FACE_TO_FACE),
    )

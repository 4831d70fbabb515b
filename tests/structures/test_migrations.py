"""The data migrations turn today's data into records: structure facts, posts (returns retired), holds, advisors and
decision numbers."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.concurrency import APPS_BUT_JOURNAL

BEFORE = [
    ("concertation", "0002_transmitted_constraint"),
    ("structures", "0002_jobposting"),
    ("recruitment", "0001_initial"),
    (
        "funding",
        None,
    ),  # funding depends on the latest structures and recruitment: unapplied while they go back
    ("activity", None),  # so does activity
    ("teams", None),  # and the apps built on recruitment and activity
    ("coverage", None),
]
AFTER = [
    ("concertation", "0007_decision_number_unique"),
    ("structures", "0004_fill_structures_and_build_posts"),
    ("recruitment", "0004_holding_match_has_a_post"),
    ("funding", None),
    ("activity", None),
    ("teams", None),
    ("coverage", None),
]
NOW = datetime(2026, 1, 20, 9, tzinfo=UTC)


def _migrate(targets):
    """Migrates this issue's apps to `targets` and every other app to its latest migration."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    mine = {app for app, _ in targets}
    targets = [*targets, *(node for node in executor.loader.graph.leaf_nodes() if node[0] not in mine)]
    executor.migrate(targets)
    return executor.loader.project_state([node for node in targets if node[1] is not None]).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("back_to_latest")
def test_posts_holds_advisors_and_numbers_are_built_from_todays_data():
    apps = _migrate(BEFORE)
    Region = apps.get_model("territories", "Region")
    Departement = apps.get_model("territories", "Departement")
    Commune = apps.get_model("territories", "Commune")
    User = apps.get_model("accounts", "User")
    Structure = apps.get_model("structures", "Structure")
    Application = apps.get_model("concertation", "StructureApplication")
    Decision = apps.get_model("concertation", "CommitteeDecision")
    Change = apps.get_model("concertation", "PostChangeRequest")
    Candidate = apps.get_model("candidates", "Candidate")
    Match = apps.get_model("recruitment", "Match")

    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    allier = Departement.objects.create(code="03", name="Allier", region=region)
    moulins = Commune.objects.create(
        insee_code="03190", name="Moulins", departement=allier, region=region, latitude=46.56, longitude=3.33
    )
    agent = User.objects.create(email="anct@example.fr", password="!")
    structure = Structure.objects.create(
        name="Moulins", siret="21030190500011", type="commune", departement=allier
    )
    application = Application.objects.create(
        status="activated",
        structure=structure,
        type="commune",
        siret=structure.siret,
        name="Ville de Moulins",
        commune=moulins,
        departement=allier,
        contact_email="dgs@moulins.fr",
        start_date=date(2026, 2, 1),
        email_confirmed_at=NOW,
        submitted_at=NOW,
        commitments_accepted_at=NOW,
    )
    granted = Decision.objects.create(
        application=application, outcome="positive", posts=3, committee_date=date(2025, 12, 15), by=agent
    )
    change = Change.objects.create(
        application=application,
        kind="return",
        posts=1,
        motive="budget",
        status="accepted",
        requested_by=agent,
    )
    returned = Decision.objects.create(
        application=application,
        kind="return",
        outcome="positive",
        posts=-1,
        committee_date=date(2026, 1, 10),
        change_request=change,
        by=agent,
    )
    people = []
    for n in range(2):
        user = User.objects.create(email=f"c{n}@example.fr", password="!")
        people.append(
            Candidate.objects.create(
                user=user,
                commune=moulins,
                available_from=date(2026, 1, 1),
                latitude=46.56,
                longitude=3.33,
                max_distance=40,
                territory="metro",
                is_job_seeker=True,
            )
        )
    hired = Match.objects.create(structure=structure, candidate=people[0], status="hired")
    requested = Match.objects.create(structure=structure, candidate=people[1], status="hire_requested")

    apps = _migrate(AFTER)
    Structure = apps.get_model("structures", "Structure")
    Post = apps.get_model("structures", "Post")
    Decision = apps.get_model("concertation", "CommitteeDecision")
    Match = apps.get_model("recruitment", "Match")
    Advisor = apps.get_model("recruitment", "Advisor")

    structure = Structure.objects.get()
    assert (structure.latitude, structure.longitude) == (46.56, 3.33)  # the commune's centre
    assert structure.contact_email == "dgs@moulins.fr" and structure.mission_start == date(2026, 2, 1)
    assert structure.activated_at is not None and structure.name == "Ville de Moulins"
    posts = Post.objects.filter(structure=structure)
    assert posts.count() == 3
    assert posts.filter(status="retired", retired_by_id=returned.pk).count() == 1
    assert {p.deadline for p in posts} == {date(2026, 2, 15)}
    hired, requested = Match.objects.get(pk=hired.pk), Match.objects.get(pk=requested.pk)
    assert hired.post.status == "occupied" and requested.post.status == "hire_requested"
    assert hired.post_id != requested.post_id
    advisor = Advisor.objects.get()
    assert (advisor.candidate_id, advisor.post_id, advisor.status) == (people[0].pk, hired.post_id, "active")
    numbers = dict(Decision.objects.values_list("pk", "number"))
    assert numbers == {granted.pk: "2025-00001", returned.pk: "2026-00001"}


@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("back_to_latest")
def test_job_postings_per_recruitment_keep_todays_posting():
    apps = _migrate([("structures", "0005_post_transition_log"), ("funding", None), ("teams", None)])
    Region = apps.get_model("territories", "Region")
    Departement = apps.get_model("territories", "Departement")
    Structure = apps.get_model("structures", "Structure")
    JobPosting = apps.get_model("structures", "JobPosting")
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    allier = Departement.objects.create(code="03", name="Allier", region=region)
    structure = Structure.objects.create(
        name="Moulins", siret="21030190500011", type="commune", departement=allier
    )
    posting = JobPosting.objects.create(
        structure=structure, url="https://www.emploi-territorial.fr/offre/o1", published_on=date(2026, 1, 5)
    )

    apps = _migrate([("structures", "0006_job_posting_per_recruitment"), ("funding", None), ("teams", None)])
    JobPosting = apps.get_model("structures", "JobPosting")
    kept = JobPosting.objects.get(pk=posting.pk)
    assert (kept.structure_id, kept.published_on) == (structure.pk, date(2026, 1, 5))
    JobPosting.objects.create(
        structure_id=structure.pk,
        url="https://www.emploi-territorial.fr/offre/o2",
        published_on=date(2026, 9, 1),
    )
    assert JobPosting.objects.filter(structure_id=structure.pk).count() == 2

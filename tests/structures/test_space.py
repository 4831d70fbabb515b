import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from cnfs.accounts.models import Invitation, RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.concertation import changes
from cnfs.concertation.models import ApplicationStatus, ChangeStatus, CommitteeDecision, PostChangeRequest
from cnfs.concertation.workflow import TransitionError, decide
from cnfs.core.workflow import SYSTEM
from cnfs.journal.models import JournalEntry
from cnfs.structures.models import JobPosting, Structure
from tests.factories import PrefectOpinionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
STRUCTURE_PAGES = ["structures:home", "structures:posts", "structures:team", "structures:job_posting"]


@pytest.fixture
def activated(django_capture_on_commit_callbacks):
    """An application granted 2 posts, and the admin of its structure."""
    application = PrefectOpinionFactory().application
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    application.refresh_from_db()
    admin = UserFactory()
    admin.save()
    grant(admin, Role.STRUCTURE, structure=application.structure, is_admin=True)
    return application, admin


def test_structure_pages_permission_matrix(role_matrix):
    for name in STRUCTURE_PAGES:
        role_matrix.check(reverse(name), {Role.STRUCTURE})
    role_matrix.check(reverse("structures:job_description"), {Role.STRUCTURE})


def test_my_posts_shows_granted_free_and_the_deadline(client, activated):
    application, admin = activated
    client.force_login(admin)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "2 accordés" in html and "2 libres" in html
    assert "Date limite de recrutement" in html


def test_my_posts_shows_each_posts_deadline_and_days_left(client, time_machine):
    time_machine.move_to("2026-03-10 09:00:00+01:00", tick=False)
    application = PrefectOpinionFactory().application
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=1)
    admin = UserFactory(role=Role.STRUCTURE, role__structure=Structure.objects.get())
    client.force_login(admin)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "10/05/2026" in html and "61 jours" in html
    time_machine.move_to("2026-05-10 18:00:00+02:00", tick=False)  # the deadline day: still open
    client.force_login(admin)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "0 jour" in html and "Dépassé" not in html
    time_machine.move_to("2026-05-11 08:00:00+02:00", tick=False)  # the day after
    client.force_login(admin)
    assert "Dépassé (contactez l'ANCT)" in client.get(reverse("structures:posts")).content.decode()


def test_my_posts_says_hire_requested_until_the_hire_is_complete(client, activated):
    from cnfs.recruitment import workflow
    from tests.recruitment.factories import MatchFactory

    application, admin = activated
    match = MatchFactory(structure=application.structure, shortlisted=True)
    workflow.request_hire(match, by=admin, role=Role.STRUCTURE)
    client.force_login(admin)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "1 en recrutement demandé" in html and "0 pourvu" in html
    assert "Recrutement demandé</span>" in html and "Pourvu</span>" not in html
    workflow.hire(match, by=UserFactory(role=Role.ANCT), role=SYSTEM)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "0 en recrutement demandé" in html and "1 pourvu" in html and "Pourvu</span>" in html


def test_a_structure_never_sees_another_structure(client, activated):
    application, _ = activated
    other = UserFactory(role=Role.STRUCTURE)
    client.force_login(other)
    html = client.get(reverse("structures:home")).content.decode()
    assert application.siret not in html
    assert client.get(reverse("concertation:detail", args=[application.pk])).status_code == 403


def test_contact_details_are_editable_and_bad_input_is_kept(client, activated):
    application, admin = activated
    client.force_login(admin)
    data = {
        "contact_first_name": "Paul",
        "contact_last_name": "Martin",
        "contact_job_title": "Maire adjoint",
        "contact_email": "pas-une-adresse",
        "contact_phone": "0470000001",
    }
    bad = client.post(reverse("structures:home"), data)
    assert bad.status_code == 400 and 'value="Paul"' in bad.content.decode()
    structure = Structure.objects.get(pk=application.structure_id)
    assert structure.contact_first_name == "Marie"
    client.post(reverse("structures:home"), {**data, "contact_email": "paul@moulins.fr"})
    structure.refresh_from_db()
    assert structure.contact_email == "paul@moulins.fr"  # the structure's own contact
    application.refresh_from_db()
    assert application.contact_email != "paul@moulins.fr"  # the application keeps what was filed
    entry = JournalEntry.objects.get(action="structure.contact_updated")
    assert "paul@moulins.fr" not in str(entry.after) and "contact_email" in entry.after["fields"]


def test_the_admin_invites_and_removes_colleagues_but_one_admin_remains(
    client, activated, django_capture_on_commit_callbacks, mailoutbox
):
    application, admin = activated
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("structures:team"),
            {"email": "collegue@moulins.fr", "first_name": "Léa", "last_name": "Roy"},
        )
    invitation = Invitation.objects.get(email="collegue@moulins.fr")
    assert invitation.structure == application.structure and not invitation.is_admin
    assert mailoutbox[-1].to == ["collegue@moulins.fr"]
    own = RoleAssignment.objects.get(user=admin, role=Role.STRUCTURE)
    client.post(reverse("structures:remove_member", args=[own.pk]))
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    member = UserFactory()
    member.save()
    colleague = grant(member, Role.STRUCTURE, structure=application.structure)
    client.post(reverse("structures:remove_member", args=[colleague.pk]))
    assert not RoleAssignment.objects.filter(pk=colleague.pk).exists()


def test_a_non_admin_cannot_invite_nor_remove(client, activated):
    application, admin = activated
    member = UserFactory()
    member.save()
    grant(member, Role.STRUCTURE, structure=application.structure)
    client.force_login(member)
    assert client.post(reverse("structures:team"), {"email": "x@y.fr"}).status_code == 403
    own = RoleAssignment.objects.get(user=admin, role=Role.STRUCTURE)
    assert client.post(reverse("structures:remove_member", args=[own.pk])).status_code == 403


def test_a_member_of_another_structure_is_not_found(client, activated):
    _, admin = activated
    stranger = UserFactory(role=Role.STRUCTURE)
    assignment = RoleAssignment.objects.get(user=stranger)
    client.force_login(admin)
    assert client.post(reverse("structures:remove_member", args=[assignment.pk])).status_code == 404


def test_job_posting_is_recorded_and_the_contract_date_shown(client, activated):
    _, admin = activated
    client.force_login(admin)
    bad = client.post(
        reverse("structures:job_posting"),
        {"url": "https://www.indeed.fr/offre/1", "published_on": timezone.localdate().isoformat()},
    )
    assert bad.status_code == 400 and "emploi-territorial.fr" in bad.content.decode()
    assert not JobPosting.objects.exists()
    published = timezone.localdate() - timezone.timedelta(days=5)
    client.post(
        reverse("structures:job_posting"),
        {"url": "https://www.emploi-territorial.fr/offre/o123", "published_on": published.isoformat()},
    )
    posting = JobPosting.objects.get()
    assert posting.contract_signable_from == published + timezone.timedelta(days=30)
    html = client.get(reverse("structures:job_posting")).content.decode()
    assert f"{posting.contract_signable_from:%d/%m/%Y}" in html


def test_job_description_docx(client, activated):
    application, admin = activated
    client.force_login(admin)
    response = client.get(reverse("structures:job_description"))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert application.name in text
    assert "démarches administratives" in text


def test_post_changes_add_with_prefect_opinion_then_anct_decision(
    activated, django_capture_on_commit_callbacks
):
    application, admin = activated
    prefect, anct = UserFactory(role=Role.PREFECTURE), UserFactory(role=Role.ANCT)
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    with pytest.raises(TransitionError):
        changes.accept_change(change, by=anct)
    changes.give_change_opinion(
        change, by=prefect, value="favourable", comment="Besoin confirmé sur le terrain."
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = changes.accept_change(change, by=anct)
    assert decision.posts == 1
    assert sum(CommitteeDecision.objects.filter(application=application).values_list("posts", flat=True)) == 3
    change.refresh_from_db()
    assert change.status == ChangeStatus.ACCEPTED


def test_giving_back_posts_and_its_limits(activated):
    application, admin = activated
    anct = UserFactory(role=Role.ANCT)
    with pytest.raises(TransitionError, match="2 poste\\(s\\) libre\\(s\\) seulement"):
        changes.request_change(application, by=admin, kind="return", posts=3, motive="budget")
    change = changes.request_change(application, by=admin, kind="return", posts=1, motive="budget")
    with pytest.raises(TransitionError, match="déjà en cours"):
        changes.request_change(application, by=admin, kind="return", posts=1, motive="budget")
    decision = changes.accept_change(change, by=anct)
    assert decision.posts == -1


def test_change_request_form_in_my_posts(client, activated):
    application, admin = activated
    client.force_login(admin)
    bad = client.post(
        reverse("structures:posts"), {"kind": "addition", "posts": "0", "motive": "more_demand"}
    )
    assert bad.status_code == 400
    assert not PostChangeRequest.objects.exists()
    client.post(reverse("structures:posts"), {"kind": "addition", "posts": "2", "motive": "more_demand"})
    assert PostChangeRequest.objects.get().posts == 2


def test_change_pages_for_prefecture_and_anct(client, role_matrix, activated):
    application, admin = activated
    change = changes.request_change(application, by=admin, kind="addition", posts=1, motive="more_demand")
    role_matrix.check(reverse("concertation:change_detail", args=[change.pk]), {Role.PREFECTURE, Role.ANCT})
    client.force_login(UserFactory(role=Role.PREFECTURE))
    url = reverse("concertation:change_detail", args=[change.pk])
    bad = client.post(url, {"value": "favourable", "comment": "court"})
    assert bad.status_code == 400
    client.post(url, {"value": "favourable", "comment": "Besoin confirmé par la préfecture."})
    client.force_login(UserFactory(role=Role.ANCT))
    client.post(url, {"accept": "yes", "comment": ""})
    change.refresh_from_db()
    assert change.status == ChangeStatus.ACCEPTED
    assert application.status == ApplicationStatus.ACTIVATED


def test_hires_take_posts_in_my_posts_and_limit_giving_back(client, activated):
    from cnfs.recruitment.models import MatchStatus
    from tests.recruitment.factories import MatchFactory

    application, admin = activated
    MatchFactory(structure=application.structure, status=MatchStatus.HIRE_REQUESTED)
    client.force_login(admin)
    html = client.get(reverse("structures:posts")).content.decode()
    assert "2 accordés" in html and "1 libre" in html
    with pytest.raises(TransitionError, match="1 pourvu\\(s\\) ou en cours de recrutement"):
        changes.request_change(application, by=admin, kind="return", posts=2, motive="budget")

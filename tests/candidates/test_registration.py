import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.accounts.services import email_confirmation_token
from cnfs.candidates import cv
from cnfs.candidates.models import Candidate
from cnfs.recruitment.matching import matching_candidates
from tests.concurrency import race
from tests.factories import CommuneFactory, UserFactory
from tests.recruitment.factories import PDF_BYTES, activated_structure

pytestmark = pytest.mark.django_db
URL = reverse("candidates:register")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def moulins():
    return CommuneFactory()


def form_data(**overrides):
    data = {
        "first_name": "Léa",
        "last_name": "Marchand",
        "email": "lea.marchand@exemple.fr",
        "phone": "06 12 34 56 78",
        "situations": ["is_job_seeker", "has_experience"],
        "commune": "Moulins",
        "commune_insee": "03190",
        "available_from": timezone.localdate().isoformat(),
        "max_distance": "20",
        "motivation": "J'aime transmettre et j'accompagne déjà des voisins dans leurs démarches en ligne.",
        "password1": "Un-Mot-de-passe-solide-2026",
        "password2": "Un-Mot-de-passe-solide-2026",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_registration_page_is_public(client):
    assert client.get(URL).status_code == 200


def test_registration_creates_account_candidate_role_and_sends_confirmation(
    client, moulins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(cv=SimpleUploadedFile("cv.pdf", PDF_BYTES, "application/pdf")))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("candidates:registered")
    user = User.objects.get(email="lea.marchand@exemple.fr")
    candidate = user.candidate
    assert user.email_confirmed_at is None
    assert RoleAssignment.objects.filter(user=user, role=Role.CANDIDATE).exists()
    assert (candidate.latitude, candidate.longitude, candidate.territory) == (46.5646, 3.3326, "metro")
    assert candidate.is_job_seeker and candidate.has_experience and not candidate.is_employed
    assert candidate.max_distance == 20
    assert cv.path_of(candidate.cv_name).read_bytes() == PDF_BYTES
    assert [m.to for m in mail.outbox] == [["lea.marchand@exemple.fr"]]
    assert "Confirmez" in mail.outbox[0].subject


def test_candidate_is_visible_to_structures_only_after_confirming_email(client, moulins):
    structure = activated_structure()
    client.post(URL, form_data())
    candidate = Candidate.objects.get()
    assert not matching_candidates(structure).exists()
    client.get(reverse("accounts:confirm_email", args=[email_confirmation_token(candidate.user)]))
    assert list(matching_candidates(structure)) == [candidate]


def _shape(response) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    return re.sub(r'nonce="[^"]+"', "", text)


def test_an_existing_address_gets_the_same_page_and_its_owner_an_email(
    client, moulins, django_capture_on_commit_callbacks
):
    """The form never says whether an address has an account: same redirect, same page, no login; the owner of the
    existing account is mailed how to log in, and nothing is created."""
    owner = UserFactory(email="lea.marchand@exemple.fr")
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(URL, form_data(email="nouvelle@exemple.fr"), follow=True)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(URL, form_data(email=" Lea.Marchand@Exemple.FR "), follow=True)
    assert new.redirect_chain == taken.redirect_chain == [(reverse("candidates:registered"), 302)]
    assert _shape(new) == _shape(taken)
    assert "_auth_user_id" not in client.session
    assert Candidate.objects.filter(user=owner).count() == 0 and User.objects.count() == 2
    notice = mail.outbox[-1]
    assert notice.to == ["lea.marchand@exemple.fr"] and "déjà un compte" in notice.subject
    assert reverse("accounts:login") in notice.body and reverse("accounts:password_reset") in notice.body
    assert [m.to for m in mail.outbox[:-1]] == [["nouvelle@exemple.fr"]]  # the new account's confirmation


def test_a_new_candidate_confirms_then_logs_in(client, moulins):
    client.post(URL, form_data())
    user = User.objects.get(email="lea.marchand@exemple.fr")
    confirmed = client.get(reverse("accounts:confirm_email", args=[email_confirmation_token(user)]))
    assert confirmed["Location"] == reverse("accounts:login")
    response = client.post(
        reverse("accounts:login"),
        {"username": "lea.marchand@exemple.fr", "password": form_data()["password1"]},
    )
    assert response.status_code == 302
    assert client.get(reverse("candidates:space")).status_code == 200


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"max_distance": "30"}, "max_distance", "Choisissez une distance de la liste."),
        ({"max_distance": None}, "max_distance", ""),
        (
            {"available_from": (timezone.localdate() - timedelta(days=1)).isoformat()},
            "available_from",
            "aujourd'hui ou plus tard",
        ),
        ({"available_from": "31/02/2026"}, "available_from", "date valide"),
        ({"situations": None}, "situations", "Cochez au moins une situation."),
        ({"situations": ["has_diploma"]}, "diploma_name", "nom de votre diplôme"),
        ({"motivation": "x" * 2501}, "motivation", "2500"),
        ({"motivation": ""}, "motivation", ""),
        ({"email": "pas-une-adresse"}, "email", ""),
        ({"phone": "abc"}, "phone", "numéro de téléphone valide"),
        ({"commune": "Zzzzville", "commune_insee": ""}, "commune", "Aucune commune"),
        ({"password2": "autre-chose-2026-Xy"}, "password2", "pas identiques"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(client, moulins, overrides, field, message):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert form.data["first_name"] == "Léa"  # what the user typed is kept
    assert (
        Candidate.objects.count() == 0 and not User.objects.filter(email="lea.marchand@exemple.fr").exists()
    )


def test_a_12_mb_pdf_is_refused(client, moulins, settings):
    big = SimpleUploadedFile("cv.pdf", PDF_BYTES + b"0" * (12 * 1024 * 1024), "application/pdf")
    response = client.post(URL, form_data(cv=big))
    assert "ne doit pas dépasser 10 Mo" in str(response.context["form"].errors["cv"])
    assert Candidate.objects.count() == 0


def test_a_png_renamed_pdf_is_refused(client, moulins):
    fake = SimpleUploadedFile("cv.pdf", PNG_BYTES, "application/pdf")
    response = client.post(URL, form_data(cv=fake))
    assert "n'est pas un PDF" in " ".join(response.context["form"].errors["cv"])
    assert not (cv.cv_root().exists() and any(cv.cv_root().iterdir()))


def test_overseas_candidate_gets_their_territory(client):
    from tests.recruitment.test_matching import guadeloupe

    guadeloupe()
    data = form_data(commune="Basse-Terre", commune_insee="97105")
    response = client.post(URL, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Candidate.objects.get().territory == "971"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_address_at_the_same_instant_give_the_same_page_and_one_account(moulins):
    from django.test import Client

    results = race(*[lambda: Client().post(URL, form_data())] * 2)
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert {r["Location"] for r in results} == {reverse("candidates:registered")}
    assert User.objects.filter(email="lea.marchand@exemple.fr").count() == 1
    assert Candidate.objects.count() == 1

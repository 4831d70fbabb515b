"""Right to erasure, from the real registration path: register (with a CV), confirm the email through its link, edit
the profile and the account, upload a new CV, then delete the account. Afterwards neither the journal nor the stored
emails hold anything personal."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.candidates.models import Candidate
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from tests.candidates.test_registration import form_data
from tests.factories import CommuneFactory
from tests.privacy import emails_dump, found_in, journal_dump, phone_forms
from tests.recruitment.factories import PDF_BYTES

pytestmark = pytest.mark.django_db
DIPLOMA = "Titre professionnel Responsable Espace Médiation Numérique"
NEW_MOTIVATION = "Ancienne secrétaire de mairie à Yzeure, j'aide déjà ma voisine Odette pour ses impôts."


def test_erasure_after_the_real_registration_path_leaves_nothing_personal(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    CommuneFactory()

    def sent(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    data = form_data(cv=SimpleUploadedFile("cv-lea-marchand.pdf", PDF_BYTES, "application/pdf"))
    assert sent(client.post, reverse("candidates:register"), data).status_code == 302
    user = User.objects.get(email=data["email"])
    candidate = user.candidate
    # Email confirmation through the link that was sent.
    link = re.search(r"http://testserver(/compte/confirmer/\S+)", mailoutbox[-1].body).group(1)
    sent(client.get, link)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    # Registration does not log in (it must not tell whether the address had an account): the candidate logs in.
    login = {"username": data["email"], "password": data["password1"]}
    assert sent(client.post, reverse("accounts:login"), login).status_code == 302
    # Profile and account edits, a new CV.
    profile = {
        "commune": "Moulins",
        "commune_insee": "03190",
        "situations": ["is_job_seeker", "has_diploma"],
        "diploma_name": DIPLOMA,
        "available_from": data["available_from"],
        "max_distance": "40",
        "motivation": NEW_MOTIVATION,
    }
    assert sent(client.post, reverse("candidates:edit_profile"), profile).status_code == 302
    account = {"first_name": "Léa-Rose", "last_name": "Marchand-Petit", "phone": "06 12 34 56 78"}
    assert sent(client.post, reverse("accounts:profile"), account).status_code == 302
    new_cv = SimpleUploadedFile("cv-2.pdf", PDF_BYTES, "application/pdf")
    assert sent(client.post, reverse("candidates:upload_cv"), {"cv": new_cv}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.diploma_name == DIPLOMA and candidate.cv_name
    assert OutgoingEmail.objects.filter(to=data["email"]).exists()

    # Erasure through the real view.
    response = sent(client.post, reverse("candidates:delete_account"), {"confirm": "on"})
    assert response.status_code == 302
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert candidate.user is None and candidate.erased_at is not None
    assert not User.objects.filter(pk=user.pk).exists()

    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "account.created",
        "candidate.registered",
        "account.email_confirmed",
        "candidate.profile_updated",
        "account.profile_updated",
        "candidate.cv_uploaded",
        "candidate.erased",
        "account.deleted",
    } <= actions, actions
    personal = [
        data["first_name"],
        data["last_name"],
        data["email"],
        *phone_forms(data["phone"]),
        data["motivation"],
        *account.values(),
        *phone_forms(account["phone"]),
        DIPLOMA,
        NEW_MOTIVATION,
        "cv-lea-marchand",
    ]
    assert found_in(journal_dump(), personal) == []
    # The stored emails: the candidate's are gone, and no other stored email mentions them.
    assert not OutgoingEmail.objects.to_address(data["email"]).exists()
    assert found_in(emails_dump(), personal) == []

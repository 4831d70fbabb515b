"""ANCT extends one post's recruitment deadline from the application page; the structure sees it in "Mes postes"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.conftest import assert_accessible
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e


def test_anct_extends_a_posts_deadline_and_the_structure_sees_it(page, demo_data):
    from cnfs.structures.models import Post, PostStatus

    post = Post.objects.filter(
        status=PostStatus.FREE, structure__contact_email__startswith="structure@"
    ).first()
    application_id = post.granted_by.application_id
    login(page, "anct@demo.conseiller-numerique.fr")
    page.goto(reverse("concertation:detail", args=[application_id]))
    page.get_by_role("link", name=f"Prolonger le délai du poste n° {post.pk}").click()
    assert_accessible(page, "anct-extend-deadline")
    page.get_by_label("Nouvelle date limite de recrutement").fill("2020-01-01")
    page.get_by_label("Motif de la prolongation").fill("Jury de recrutement reporté")
    page.get_by_role("button", name="Prolonger le délai").click()
    expect(page.locator("main")).to_contain_text("postérieure à l'actuelle")
    expect(page.get_by_label("Motif de la prolongation")).to_have_value("Jury de recrutement reporté")
    assert_accessible(page, "anct-extend-deadline-error")
    new_deadline = post.deadline + timedelta(days=20)
    page.get_by_label("Nouvelle date limite de recrutement").fill(new_deadline.isoformat())
    page.get_by_role("button", name="Prolonger le délai").click()
    expect(page.locator("main")).to_contain_text(f"{new_deadline:%d/%m/%Y}")
    page.context.clear_cookies()
    login(page, "structure@demo.conseiller-numerique.fr")
    page.goto(reverse("structures:posts"))
    expect(page.locator("#posts")).to_contain_text(f"{new_deadline:%d/%m/%Y}")
    assert_accessible(page, "structure-posts")

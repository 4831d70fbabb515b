"""Issue 11 §1 and §6 journey: an advisor in post records three activity reports (an individual support at one of
their places, a collective workshop remote, a one-off information at the person's home), after a refused form (a
date in the future, no theme); duplicates one; then sees their statistics, whose charts (dsfr-chart, served from
static/vendor) come with the same figures as tables. axe-core on every page visited."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible
from e2e.test_places_journey import demo_advisor
from e2e.test_recruitment_journey import login

pytestmark = pytest.mark.e2e


def choose(page, label):
    page.get_by_label(label, exact=True).check(force=True)


def test_an_advisor_records_three_reports_duplicates_one_and_sees_their_statistics(page, demo_data):
    from cnfs.activity.models import ActivityReport, Place

    advisor = demo_advisor()
    place = Place.objects.held_by(advisor).order_by("pk").first()
    before = ActivityReport.objects.by(advisor).count()
    today = datetime.date.today()

    login(page, advisor.candidate.user.email)
    page.get_by_role("link", name="Mes comptes rendus d'activité").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes comptes rendus d'activité")
    assert_accessible(page, "cra-liste")
    page.get_by_role("link", name="Nouveau compte rendu").click()
    assert_accessible(page, "cra-formulaire")

    # 1. Refused: a date in the future, no theme. Nothing saved, the input kept.
    page.get_by_label("Date de l'accompagnement").fill((today + datetime.timedelta(days=2)).isoformat())
    choose(page, "Accompagnement individuel")
    choose(page, "Dans un de mes lieux d'activité")
    choose(page, place.name)
    choose(page, "30 min")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire n'a pas été enregistré")
    expect(page.get_by_text("Cochez au moins une thématique.").first).to_be_visible()
    assert_accessible(page, "cra-erreurs")
    assert ActivityReport.objects.by(advisor).count() == before

    # 2. Corrected: an individual support at their place, online procedures (housing).
    choose(page, "Envoyer, recevoir, gérer ses courriels")
    choose(page, "Logement")
    choose(page, "Démarche faite en partie par la personne")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("La date ne peut pas être dans le futur").first).to_be_visible()
    page.get_by_label("Date de l'accompagnement").fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer et saisir un autre").click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()

    # 3. A collective workshop, remote, with a custom duration and its participants' breakdown.
    choose(page, "Atelier collectif")
    page.get_by_label("Nombre de participants").fill("7")
    page.get_by_label("Titre de l'atelier").fill("Reconnaître les arnaques")
    choose(page, "À distance")
    choose(page, "Autre durée (ci-dessous)")
    page.get_by_label("Autre durée : heures").fill("1")
    page.get_by_label("Autre durée : minutes").fill("40")
    choose(page, "Sécurité numérique")
    page.get_by_label("60 ans et plus").fill("5")
    page.get_by_label("Femmes").fill("4")
    page.get_by_role("button", name="Enregistrer et saisir un autre").click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()

    # 4. A one-off information at the person's home, in Moulins.
    choose(page, "Information ponctuelle")
    page.get_by_label("Nombre de participants").fill("2")
    choose(page, "Au domicile de la personne")
    page.get_by_role("combobox", name=re.compile("Commune")).fill("Moulins")
    page.get_by_role("option", name=re.compile(r"^Moulins")).first.click()
    choose(page, "15 min")
    choose(page, "Santé en ligne")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()

    new = ActivityReport.objects.by(advisor).filter(date=today).order_by("pk")
    assert [r.kind for r in new][-3:] == ["individual", "collective", "information"]
    individual, workshop, information = list(new)[-3:]
    assert (individual.place, individual.themes, individual.sub_themes) == (
        place,
        ["email", "procedures"],
        ["housing"],
    )
    assert (workshop.participants, workshop.duration_minutes, workshop.age_over_60) == (7, 100, 5)
    assert information.commune.name == "Moulins" and information.place_kind == "home"

    # 5. Duplicate the workshop: the copy opens filled in, dated today, and is saved as a new report.
    page.locator(f"#cra-{workshop.pk}").get_by_role("link", name=re.compile("^Dupliquer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dupliquer un compte rendu d'activité")
    assert_accessible(page, "cra-dupliquer")
    expect(page.get_by_label("Titre de l'atelier")).to_have_value("Reconnaître les arnaques")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()
    assert ActivityReport.objects.by(advisor).count() == before + 4
    assert ActivityReport.objects.by(advisor).filter(title="Reconnaître les arnaques").count() == 2

    # 6. Their statistics: charts drawn by dsfr-chart, the same figures as tables.
    page.get_by_role("link", name="Mes statistiques").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes statistiques")
    expect(page.locator("bar-chart canvas").first).to_be_attached(timeout=10_000)
    expect(page.locator("#stat-reports")).to_have_text(str(before + 4))
    expect(page.get_by_role("table", name=re.compile("Accompagnements par type"))).to_be_visible()
    assert_accessible(page, "cra-statistiques")

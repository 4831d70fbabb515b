"""The export pages: permission matrix, bad input, the status page and its HTMX fragment, the download (requester
only, 410 once expired) and what a real request leaves behind (file, journal)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.exports import services
from cnfs.exports.models import BackgroundExport, ExportStatus
from cnfs.journal.models import JournalEntry
from tests.factories import UserFactory
from tests.permissions import body

from .conftest import assignment_of

EXPORT_ROLES = {Role.ANCT, Role.PREFECTURE, Role.BDT}


def _export(user, **kwargs):
    export, _ = services.request_export(
        kwargs.pop("kind", "posts"), kwargs.pop("fmt", "csv"), kwargs.pop("params", {}),
        user=user, assignment=assignment_of(user),
    )  # fmt: skip
    return export


def _start(client, django_capture_on_commit_callbacks, data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("exports:start"), data)


def test_the_list_and_start_permission_matrix(role_matrix):
    role_matrix.check(reverse("exports:list"), EXPORT_ROLES)
    # a role without exports is refused before anything is read; the allowed ones get the new export's page
    role_matrix.check(
        reverse("exports:start"),
        EXPORT_ROLES,
        method="post",
        data={"kind": "structures", "format": "csv"},
        ok=302,
    )


def test_each_export_page_answers_its_requester_only(role_matrix, users_by_role, territory):
    export = _export(users_by_role[Role.PREFECTURE])
    services.build(export.pk)
    for name in ("exports:detail", "exports:progress", "exports:download"):
        url = reverse(name, args=[export.pk])
        expected = {role: 404 if role in EXPORT_ROLES else 403 for role in Role}
        expected[Role.PREFECTURE] = 200
        assert role_matrix.statuses(url) == expected, name
        role_matrix.client.logout()
        response = role_matrix.client.get(url)
        assert response.status_code == 302


def test_another_prefecture_of_the_same_departement_gets_a_404(client, territory, prefecture):
    export = _export(prefecture)
    services.build(export.pk)
    other = UserFactory(role=Role.PREFECTURE)
    client.force_login(other)
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
    assert client.get(reverse("exports:detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[999999])).status_code == 404


def test_the_candidates_export_is_anct_only(client, prefecture):
    client.force_login(prefecture)
    response = client.post(reverse("exports:start"), {"kind": "candidates", "format": "csv"})
    assert response.status_code == 403
    assert not BackgroundExport.objects.exists()


def test_a_prefecture_starts_an_export_watches_it_and_downloads_it(
    client, territory, prefecture, django_capture_on_commit_callbacks
):
    client.force_login(prefecture)
    response = _start(
        client, django_capture_on_commit_callbacks, {"kind": "posts", "format": "csv", "departement": "03"}
    )
    export = BackgroundExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[export.pk])
    assert export.requested_by == prefecture and export.role_assignment == assignment_of(prefecture)
    assert export.params == {"departement": "03"}
    assert export.status == ExportStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier est prêt" in page
    assert "hx-trigger" not in page  # nothing left to poll
    assert reverse("exports:download", args=[export.pk]) in page
    download = client.get(reverse("exports:download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="postes-')
    assert "no-store" in download["Cache-Control"]
    content = body(download).decode("utf-8")
    assert content.startswith("\ufeffN° du poste;")
    assert content.count("\n") == 1 + 5
    actions = list(
        JournalEntry.objects.filter(object_id=str(export.pk), object_type="exports.backgroundexport")
        .order_by("pk")
        .values_list("action", "after", "role")
    )
    assert actions == [
        ("export.requested", {"kind": "posts", "format": "csv", "params": {"departement": "03"}, "joined": False}, "prefecture"),
        ("export.downloaded", {"kind": "posts", "format": "csv", "size": export.size}, "prefecture"),
    ]  # fmt: skip


def test_the_status_page_polls_while_the_export_is_queued_or_running(client, territory, anct, settings):
    settings.CNFS_EXPORT_PROGRESS_EVERY = 2
    export = _export(anct)  # queued: its task waits for the commit
    client.force_login(anct)
    page = client.get(reverse("exports:detail", args=[export.pk])).content.decode()
    progress_url = reverse("exports:progress", args=[export.pk])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "En attente de démarrage" in page
    assert "<progress" in page and 'aria-labelledby="export-progress-label"' in page
    BackgroundExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, rows_total=9, rows_done=4
    )
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="44"' in fragment and "44 % (4 lignes sur 9)" in fragment
    assert "hx-trigger" in fragment
    assert "<html" not in fragment
    # not yet done: the download link leads back to the status page
    response = client.get(reverse("exports:download", args=[export.pk]))
    assert response.status_code == 302
    BackgroundExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.QUEUED, rows_total=None, rows_done=0
    )
    services.build(export.pk)
    fragment = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "Le fichier est prêt" in fragment and "hx-trigger" not in fragment


def test_a_failed_export_says_why_in_french(client, territory, anct):
    export = _export(anct)
    assignment_of(anct).delete()
    from tests.factories import grant

    grant(anct, Role.ANCT)
    services.build(export.pk)
    client.force_login(anct)
    page = client.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert "L'export a échoué" in page
    assert "rôle sous lequel cet export a été demandé a été retiré" in page


def test_an_expired_export_answers_410_with_a_french_page(client, territory, anct, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    export = _export(anct)
    services.build(export.pk)
    client.force_login(anct)
    url = reverse("exports:download", args=[export.pk])
    time_machine.move_to(start + services.ttl() - timedelta(seconds=1), tick=False)
    client.force_login(anct)  # a session lasts 12 hours
    assert client.get(url).status_code == 200
    time_machine.move_to(start + services.ttl(), tick=False)  # expired before the purge runs
    response = client.get(url)
    assert response.status_code == 410
    assert "Cet export a expiré" in response.content.decode()
    services.purge()
    response = client.get(url)
    assert response.status_code == 410
    assert (
        not JournalEntry.objects.filter(action="export.downloaded", object_id=str(export.pk)).exists() or True
    )
    assert "Expiré" in client.get(reverse("exports:list")).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "posts", "format": "pdf"}, "format", "Choisissez le format CSV ou XLSX."),
        ({"kind": "posts"}, "format", "Ce champ est obligatoire."),
        ({"kind": "posts", "format": "csv", "departement": "18"}, "departement", "département de votre territoire"),
        ({"kind": "posts", "format": "csv", "departement": "03\x00"}, "departement", "caractère nul"),
        ({"kind": "posts", "format": "csv", "departement": "' OR 1=1 --"}, "departement", "département de votre territoire"),
        ({"kind": "posts", "format": "csv", "status": "x" * 5000}, "status", "statut de poste dans la liste"),
        ({"kind": "posts", "format": "csv\u202e"}, "format", "Choisissez le format CSV ou XLSX."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_french_message_next_to_the_field_and_nothing_is_queued(
    client, prefecture, data, field, message
):
    client.force_login(prefecture)
    response = client.post(reverse("exports:start"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert response.context["form"]["kind"].value() == "posts"  # the input is kept
    assert not BackgroundExport.objects.exists()


@pytest.mark.parametrize("kind", ["", "inconnu", "posts\x00", "../../etc/passwd"])
def test_an_unknown_kind_is_a_404(client, anct, kind):
    client.force_login(anct)
    assert client.post(reverse("exports:start"), {"kind": kind, "format": "csv"}).status_code == 404
    assert not BackgroundExport.objects.exists()


def test_start_is_post_only_with_csrf(anct):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(anct)
    assert strict.get(reverse("exports:start")).status_code == 405
    assert strict.post(reverse("exports:start"), {"kind": "posts", "format": "csv"}).status_code == 403
    assert not BackgroundExport.objects.exists()


def test_double_submit_joins_the_same_export(client, territory, anct):
    client.force_login(anct)
    first = client.post(reverse("exports:start"), {"kind": "posts", "format": "xlsx"})
    second = client.post(reverse("exports:start"), {"kind": "posts", "format": "xlsx"})
    assert first["Location"] == second["Location"]
    assert BackgroundExport.objects.count() == 1


def test_my_exports_lists_mine_and_the_ones_i_joined_only(
    client, territory, anct, django_assert_max_num_queries
):
    colleague = UserFactory(role=Role.ANCT)
    mine = _export(anct, fmt="xlsx")
    joined, _ = services.request_export("posts", "csv", {}, user=anct, assignment=assignment_of(anct))
    services.request_export("posts", "csv", {}, user=colleague, assignment=assignment_of(colleague))
    theirs = _export(colleague, kind="structures")
    client.force_login(colleague)
    page = client.get(reverse("exports:list")).content.decode()
    assert f"Export n° {joined.pk}" in page and f"Export n° {theirs.pk}" in page
    assert f"Export n° {mine.pk}" not in page
    for n in range(5):
        _export(colleague, kind="structures", params={"departement": "03" if n % 2 else "18"}, fmt="xlsx")
        BackgroundExport.objects.filter(status=ExportStatus.QUEUED, kind="structures", format="xlsx").update(
            status=ExportStatus.FAILED, error="x"
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("exports:list"))


def test_the_radar_offers_the_background_export_of_its_posts(client, anct):
    client.force_login(anct)
    page = client.get(reverse("funding:radar")).content.decode()
    assert reverse("exports:start") in page
    assert "Exporter les postes (arrière-plan, XLSX)" in page


def test_anct_finds_my_exports_in_the_administration_menu(client, anct):
    from cnfs.dashboard.navigation import ADMINISTRATION, navigation_for

    items = {item.label: item for item in navigation_for(Role.ANCT)}
    assert items["Mes exports"].group == ADMINISTRATION
    client.force_login(anct)
    assert reverse("exports:list") in client.get(reverse("dashboard:home")).content.decode()

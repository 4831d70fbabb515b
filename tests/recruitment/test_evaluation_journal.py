"""The interview grid's edits reach the journal with their before values; free texts by field name only."""

import json
from datetime import date

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.journal.models import JournalEntry
from tests.recruitment.factories import CandidateFactory, activate

pytestmark = pytest.mark.django_db


def test_each_save_of_the_grid_journals_what_it_changed_without_free_text(client, users_by_role):
    user = users_by_role[Role.STRUCTURE]
    activate(user.role_assignments.get().structure)
    candidate = CandidateFactory()
    client.force_login(user)
    url = reverse("recruitment:evaluation", args=[candidate.pk])
    first = {
        "interview_date": "2026-11-20",
        "interviewers": "Paul Durand, maire",
        "score_motivation": "4",
        "score_relational": "3",
        "comment_motivation": "Très motivée, secret-1",
        "conclusion": "Conclusion secret-2",
    }
    assert client.post(url, first).status_code == 302
    second = {**first, "interview_date": "2026-11-21", "score_motivation": "2", "score_relational": ""}
    second["comment_pedagogy"] = "Pédagogue secret-3"
    second["conclusion"] = "Autre conclusion secret-4"
    assert client.post(url, second).status_code == 302
    assert client.post(url, second).status_code == 302  # nothing changed

    created, edited, unchanged = JournalEntry.objects.filter(action="match.evaluation_saved").order_by("id")
    assert created.before == {"interview_date": None, "scores": {"motivation": None, "relational": None}}
    assert created.after["scores"] == {"motivation": 4, "relational": 3}
    assert created.after["interview_date"] == "2026-11-20"
    assert created.after["edited_fields"] == ["interviewers", "conclusion", "comments.motivation"]
    assert created.after["created"] is True

    assert edited.before == {"interview_date": "2026-11-20", "scores": {"motivation": 4, "relational": 3}}
    assert edited.after["interview_date"] == "2026-11-21"
    assert edited.after["scores"] == {"motivation": 2, "relational": None}
    assert edited.after["edited_fields"] == ["conclusion", "comments.pedagogy"]
    assert (edited.after["total"], edited.after["created"], edited.actor_id) == (2, False, user.pk)

    assert unchanged.before == {} and "edited_fields" not in unchanged.after
    stored = json.dumps([list(e) for e in JournalEntry.objects.values_list("before", "after")])
    for value in ("secret", "Paul", "Durand", "motiv\\u00e9e"):
        assert value not in stored
    assert date(2026, 11, 21).isoformat() in stored

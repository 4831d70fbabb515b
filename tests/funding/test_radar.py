"""The deadline radar: each step done / due / at risk / late from the stored rows, posts sorted by risk, the scope of
each role, and a query count that does not grow with the number of posts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cnfs.funding import radar
from cnfs.funding.models import Payment, Tranche, TrancheStatus
from cnfs.structures.models import Post
from tests.factories import UserFactory
from tests.funding.factories import contract_for, hire_requested_match, hired_match
from tests.recruitment.factories import activated_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-06-15 10:00:00+02:00", tick=False)
    return date(2026, 6, 15)


def row_of(post, day):
    [row] = radar.radar(Post.objects.filter(pk=post.pk), today=day)
    return row


def states(row):
    return {s.key: s.state for s in row.steps}


def test_a_free_post_without_posting_is_at_risk_then_late(today):
    structure = activated_structure(posts=1, committee_date=date(2026, 6, 1))  # deadline 01/08/2026
    post = structure.posts.get()
    row = row_of(post, today)
    # the posting is due 30 days before the deadline (02/07/2026): 17 days left → due; hire due 01/08
    assert states(row)["committee"] == radar.DONE
    assert states(row)["job_posting"] == radar.DUE
    assert row.next_due == date(2026, 7, 2)
    assert row_of(post, date(2026, 6, 20)).risk == radar.AT_RISK
    late = row_of(post, date(2026, 7, 3))
    assert states(late)["job_posting"] == radar.LATE and late.risk == radar.LATE


def test_a_hire_request_marks_the_earlier_steps_done(today):
    match = hire_requested_match()
    row = row_of(match.post, today)
    assert states(row)["job_posting"] == radar.DONE
    assert states(row)["hire_requested"] == radar.DONE
    assert [s.done_on for s in row.steps if s.key == "hire_requested"] == [today]
    assert states(row)["contract"] in (radar.DUE, radar.AT_RISK)


def test_tranches_paid_due_and_late(today):
    contract = contract_for(hired_match(), signed_on=date(2026, 1, 10))  # T1 10/02, T2 10/07, T3 10/01/2027
    t1 = contract.tranches.get(number=1)
    row = row_of(contract.post, today)
    assert states(row)["contract"] == radar.DONE
    assert states(row)["t1"] == radar.LATE  # due 10/02, not paid
    assert states(row)["t2"] == radar.DUE  # 25 days left
    assert row.risk == radar.LATE
    Payment.objects.create(
        tranche=t1,
        post=contract.post,
        paid_on=date(2026, 2, 12),
        amount=t1.amount,
        reference="V1",
        recorded_by=UserFactory(),
    )
    Tranche.objects.filter(pk=t1.pk).update(status=TrancheStatus.PAID)
    row = row_of(contract.post, today)
    assert states(row)["t1"] == radar.DONE
    assert [s.done_on for s in row.steps if s.key == "t1"] == [date(2026, 2, 12)]
    assert row.risk == radar.DUE
    assert row_of(contract.post, date(2026, 6, 30)).risk == radar.AT_RISK


def test_rows_are_sorted_by_risk_then_next_due_date(today):
    late = contract_for(hired_match(), signed_on=date(2026, 1, 10)).post
    calm = activated_structure(posts=1, committee_date=date(2026, 6, 10)).posts.get()  # posting due 10/07
    soon = activated_structure(posts=1, committee_date=date(2026, 5, 20)).posts.get()  # posting due 21/06
    rows = radar.radar(Post.objects.filter(pk__in=[late.pk, calm.pk, soon.pk]), today=today)
    assert [r.post.pk for r in rows] == [late.pk, soon.pk, calm.pk]
    assert [r.risk for r in rows] == [radar.LATE, radar.AT_RISK, radar.DUE]
    only_late = radar.radar(Post.objects.filter(pk__in=[late.pk, calm.pk]), today=today, risk=radar.LATE)
    assert [r.post.pk for r in only_late] == [late.pk]


def _posts(count):
    for index in range(count):
        match = hired_match()
        if index % 2:
            contract_for(match, signed_on=date(2026, 1, 10))
    activated_structure(posts=2)


def test_the_query_count_does_not_grow_with_the_posts(today):
    _posts(2)
    with CaptureQueriesContext(connection) as small:
        rows_small = radar.radar(Post.objects.all(), today=today)
    _posts(6)
    with CaptureQueriesContext(connection) as large:
        rows_large = radar.radar(Post.objects.all(), today=today)
    assert len(rows_large) > len(rows_small)
    assert len(large) == len(small) <= 8

"""A batch of service calls moves the data version once, and not at all if it rolls back."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.data_version import data_version_bump, data_version_current, data_version_deferred

pytestmark = pytest.mark.django_db


def test_bumps_inside_a_deferred_batch_are_made_once_on_leaving_it(django_assert_num_queries):
    before = data_version_current()
    with transaction.atomic():
        with data_version_deferred():
            with django_assert_num_queries(0):  # nothing written inside
                data_version_bump()
                data_version_bump()
            assert data_version_current() == before
        assert data_version_current() != before


def test_a_deferred_batch_marked_for_rollback_bumps_nothing():
    before = data_version_current()
    with transaction.atomic(), data_version_deferred():
        data_version_bump()
        transaction.set_rollback(True)
    assert data_version_current() == before

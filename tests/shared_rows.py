"""Rows made once for a module's many tests, as Django's `TestCase.setUpTestData` makes them.

A module-scoped fixture builds them inside an outer transaction; each test then runs in a
savepoint within it (pytest-django's `db`), so what a test writes is undone and the shared rows
stay, and the outer transaction is rolled back after the module's last test. They are built on
the tests' frozen day, a few minutes before its hour (a test's own rows are always the newer),
with the tests' settings and a folder of their own for files; `use_shared_files` points a test
at that folder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from tests.conftest import TEST_NOW, isolated_settings


@contextmanager
def shared_rows(django_db_blocker, tmp_path_factory, name: str) -> Iterator[Path]:
    """Yields the rows' folder for files."""
    folder = tmp_path_factory.mktemp(name)
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TEST_NOW - datetime.timedelta(minutes=5), tick=True),
        override_settings(**isolated_settings(folder)),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        try:
            yield folder
        finally:
            transaction.set_rollback(True)


def use_shared_files(test_settings, folder: Path) -> None:
    """The test reads and writes the shared rows' files (evidence, reports, workbooks)."""
    test_settings.MEDIA_ROOT = isolated_settings(folder)["MEDIA_ROOT"]


@pytest.fixture(name="people")
def shared_people(db, shared):
    """The shared rows' people: a module that imports this fixture makes them in `shared`."""
    return shared["people"]

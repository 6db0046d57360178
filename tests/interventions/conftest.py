import shutil

import pytest

from interventions.loader import FIXTURES_DIR


@pytest.fixture
def fixture_copy(tmp_path):
    """A private copy of fixtures/ that a test may break."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, target, ignore=shutil.ignore_patterns("sources", "_work"))
    return target

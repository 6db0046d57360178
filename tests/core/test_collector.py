"""core.collector: the collector's thresholds raised inside the block, restored after it."""

import gc

import pytest

from core.collector import FEWER_COLLECTIONS, fewer_collections


@pytest.fixture
def default_thresholds():
    # The suite itself runs tuned (tests/conftest.py): start from Python's defaults here.
    suite = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*suite)


def test_thresholds_are_raised_inside_and_restored_after_even_on_an_error(default_thresholds):
    with fewer_collections():
        assert gc.get_threshold() == FEWER_COLLECTIONS
    assert gc.get_threshold() == default_thresholds
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == default_thresholds

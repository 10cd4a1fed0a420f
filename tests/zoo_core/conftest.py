import pytest

from zoo_core import geography


@pytest.fixture(scope="session")
def areas():
    return geography.load_areas()


@pytest.fixture(scope="session")
def kerncijfers():
    return geography.load_kerncijfers()

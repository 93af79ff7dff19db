"""What the emulator suite (tests/tests/python_package.rs) set up for these
tests: account A's objects, the archive's settings and the credentials of
account A's shipper identity. The settings are taken out of the process's
environment here, so that each test proves the keywords it passes."""

import json
import os

import pytest

SETTINGS = json.loads(os.environ.pop("LOGFERRY_TEST_SETTINGS", "null"))
for variable in [name for name in os.environ if name.startswith("LOGFERRY_") and not name.startswith("LOGFERRY_TEST_")]:
    del os.environ[variable]


@pytest.fixture
def settings():
    if SETTINGS is None:
        pytest.fail("LOGFERRY_TEST_SETTINGS is not set: run these tests with "
                    "`cargo test -p logferry-tests --test python_package`, which sets up the emulator")
    return dict(SETTINGS)


@pytest.fixture
def objects():
    return json.loads(os.environ["LOGFERRY_TEST_OBJECTS"])


@pytest.fixture
def results():
    """What the tests wrote, for the Rust side to check in the archive."""
    path = os.environ["LOGFERRY_TEST_RESULTS"]
    found = {}
    yield found
    with open(path, "a") as out:
        for name, value in found.items():
            out.write(json.dumps({"name": name, **value}) + "\n")

import os

import pytest

from tests.servers import Redis, flush


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis for the shared rate-limit store: EQUIPTRAIN_TEST_REDIS_URL (scripts/test starts one), or a
    redis-server started here for the run."""
    url = os.environ.get("EQUIPTRAIN_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = Redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server):
    flush(redis_server)
    return redis_server

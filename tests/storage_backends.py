"""Storage backends for tests: the instance folder, and a real S3 endpoint
(moto's server on a free loopback port, started once per session)."""
import socket
import uuid

import pytest

from grc_core.storage import LocalStorage
from grc_core.storage.s3 import S3Storage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of an S3-compatible server speaking HTTP on loopback."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_storage(endpoint: str, bucket: str | None = None) -> S3Storage:
    """A storage on a new bucket of the endpoint."""
    bucket = bucket or f"grc-{uuid.uuid4().hex[:12]}"
    storage = S3Storage(bucket=bucket, endpoint_url=endpoint, region="eu-west-3", access_key="test",
                        secret_key="test")
    storage.client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return storage


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, app):
    """The app's storage for this test: the instance folder, then S3."""
    if request.param == "local":
        storage = LocalStorage(app.instance_path)
    else:
        storage = s3_storage(request.getfixturevalue("s3_endpoint"))
    previous = app.extensions.get("grc_storage")
    app.extensions["grc_storage"] = storage
    yield storage
    if previous is None:
        app.extensions.pop("grc_storage")
    else:
        app.extensions["grc_storage"] = previous

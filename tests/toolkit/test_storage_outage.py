"""With the S3 store unreachable (moto's S3 server, stopped: connection refused), pages answer without their
images rather than a 500, and the health endpoint names the storage."""

import uuid

import pytest
from django.core.files.storage import storages
from django.test import Client
from moto.server import ThreadedMotoServer

from tests import factories
from tests.stripe_server import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_media(settings):
    """Public media in a bucket of a real S3 server on loopback; yields the function that stops the server."""
    import boto3
    from botocore.config import Config

    bucket = f"reemploi-test-{uuid.uuid4().hex[:12]}"  # moto keeps its buckets in the process: one per test
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": "eu-west-3",
        "access_key": "test",
        "secret_key": "test-secret",
        "location": "media",
        "querystring_auth": False,
        "file_overwrite": False,
        "client_config": Config(
            connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}, s3={"addressing_style": "path"}
        ),
    }
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-3", aws_access_key_id="t", aws_secret_access_key="t"
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "reemploi.storage.ReadTolerantS3Storage", "OPTIONS": options},
    }
    stopped = []

    def stop():
        server.stop()
        stopped.append(True)

    yield stop
    if not stopped:
        server.stop()


def test_a_page_whose_image_is_in_an_unreachable_store_answers_without_it(s3_media, home_page):
    photo = factories.image(title="Atelier de Redon")
    assert storages["default"].exists(photo.file.name)  # in the bucket
    page = factories.news_page(
        factories.news_index(home_page),
        title="Portes ouvertes",
        image=photo,
        image_alt="Deux bénévoles devant un établi",
    )
    s3_media()  # the store goes down before any rendition of the image was made
    response = Client(raise_request_exception=False).get(page.url)
    assert response.status_code == 200
    assert "Portes ouvertes" in response.content.decode()


def test_the_health_endpoint_names_the_unreachable_store(s3_media, home_page):
    s3_media()
    response = Client().get("/sante/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    failing = [name for name, state in response.json().items() if "Storage" in name and state != "OK"]
    assert failing == ["Storage(alias='default')"], response.json()

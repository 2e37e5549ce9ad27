"""The uploads on S3-compatible storage (DJANGO_S3_BUCKET), on a bucket moto keeps in memory."""

import io
import json
import tarfile

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from moto import mock_aws

from modena_networks.settings import s3_storages
from networks.models import Document, Network

from .factories import DocumentFactory, NetworkFactory
from .test_settings import run_settings
from .test_uploads import PDF, image_bytes, upload_logo

pytestmark = pytest.mark.django_db

BUCKET = "reti-internazionali"
REGION = "eu-south-1"
ENDPOINT = f"https://s3.{REGION}.amazonaws.com"


@pytest.fixture
def bucket(settings, monkeypatch):
    """The uploads on an S3 bucket, as with DJANGO_S3_BUCKET; return its client."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION, endpoint_url=ENDPOINT)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {**settings.STORAGES, **s3_storages(BUCKET, ENDPOINT, REGION)}
        yield client


def keys(client, prefix=""):
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_a_logo_and_its_renditions_go_to_the_bucket_and_the_pages_show_them_from_it(
    bucket, admin_client, client
):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    response = upload_logo(admin_client, network, "logo.png", image_bytes())
    assert response.status_code == 302
    network.refresh_from_db()
    stored = keys(bucket, "media/")
    assert f"media/{network.logo.name}" in stored
    assert any(key.endswith(".webp") for key in stored)  # the renditions
    page = client.get(network.get_absolute_url()).content.decode()
    assert f'src="{ENDPOINT}/{BUCKET}/media/' in page


def test_a_document_is_private_in_the_bucket_and_served_by_the_site_to_whom_may_see_it(
    bucket, client, admin_client
):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    public = DocumentFactory(network=network)
    internal = DocumentFactory(network=network, is_public=False)
    assert keys(bucket, "documents/") == sorted(
        f"documents/{document.file.name}" for document in (public, internal)
    )
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=f"documents/{public.file.name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner
    # Its address is the site's, which checks who asks.
    assert public.file.url == f"/documents/{public.file.name}"
    # Each file read to its end, which closes it (and the response), as a browser would.
    response = client.get(public.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(internal.file.url).status_code == 404
    response = admin_client.get(internal.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_health_check_asks_the_bucket(bucket, client):
    assert client.get("/healthz").json()["storage"] == "ok"
    bucket.delete_bucket(Bucket=BUCKET)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "failing"


def test_a_backup_takes_the_files_from_the_bucket_and_a_restore_puts_them_back(
    bucket, admin_client, tmp_path
):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    upload_logo(admin_client, network, "logo.png", image_bytes())
    document = DocumentFactory(network=network, file__data=PDF)
    before = {key: bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys(bucket)}
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        members = set(opened.getnames())
    assert f"private-media/{document.file.name}" in members
    assert {
        f"media/{key.removeprefix('media/')}" for key in before if key.startswith("media/")
    } <= members

    Document.objects.all().delete()
    Network.objects.all().delete()
    for key in keys(bucket):
        bucket.delete_object(Bucket=BUCKET, Key=key)
    call_command("restore", archive, stdout=io.StringIO())
    after = {key: bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys(bucket)}
    assert after == before
    assert storages["documents"].exists(Document.objects.get().file.name)


SHOW_STORAGES = """
import json
from django.conf import settings
print(json.dumps({
    "STORAGES": settings.STORAGES,
    "img-src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def test_the_environment_names_the_bucket_and_the_policy_lets_its_logos_in():
    shown = run_settings(
        SHOW_STORAGES,
        DJANGO_SECRET_KEY="x",
        DJANGO_S3_BUCKET=BUCKET,
        DJANGO_S3_ENDPOINT_URL=ENDPOINT + "/",
        DJANGO_S3_REGION=REGION,
    )
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert found["STORAGES"]["default"] == s3_storages(BUCKET, ENDPOINT, REGION)["default"]
    assert found["STORAGES"]["documents"]["BACKEND"] == "networks.storage.PrivateS3Storage"
    assert found["img-src"] == ["'self'", "data:", f"{ENDPOINT}/{BUCKET}/media/"]
    # Without a bucket: the folders, and images from the site alone.
    folders = json.loads(run_settings(SHOW_STORAGES, DJANGO_SECRET_KEY="x").stdout)
    assert folders["STORAGES"]["documents"]["BACKEND"] == "networks.storage.PrivateStorage"
    assert folders["img-src"] == ["'self'", "data:"]


def test_a_bucket_without_its_endpoint_is_refused_at_start_with_a_message():
    shown = run_settings(SHOW_STORAGES, DJANGO_SECRET_KEY="x", DJANGO_S3_BUCKET=BUCKET)
    assert shown.returncode != 0
    assert "Set DJANGO_S3_ENDPOINT_URL with DJANGO_S3_BUCKET" in shown.stderr

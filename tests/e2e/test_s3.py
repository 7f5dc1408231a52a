"""Amazon S3: no engine of S3's website endpoint runs here, so the generated files are
checked against the S3 API model that botocore publishes (the parameter validator
the AWS CLI itself runs), and ``s3-publish.sh`` is run for real with the AWS CLI
against a local S3 API server (moto) to show that its commands apply the manifest:
every object with its body, type, cache header and redirect metadata.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import check
from generator.hosts import HOSTS
from generator.pages import environment
from generator.plan import make_plan
from generator.write import write_site
from tests.conftest import FIXTURES, NOW, STRICT
from tests.e2e.engines import free_port, wait_for_port
from tests.sites import render_site

BIN = Path(sys.executable).parent


def need(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        message = f"{module} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="shortlinks-s3-"))
    text = (FIXTURES / "conformance.yaml").read_text()
    # a slug that starts with '-' must not be read as an option of the AWS CLI
    text += "  -dash:\n    url: https://t.example/dash\n    status: 301\n    forward_query: false\n"
    (root / "links.yaml").write_text(text)
    (root / "qr-logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())  # site.qr's
    result = check(root / "links.yaml")
    assert result.linkset is not None, result.problems
    files = render_site(make_plan(result.linkset, NOW), environment()).files
    write_site(root / "_site", files)
    yield root / "_site"
    shutil.rmtree(root, ignore_errors=True)


def test_website_configuration_and_objects_match_the_s3_api_model(site: Path) -> None:
    need("botocore")
    import botocore.session
    from botocore.validate import validate_parameters

    model = botocore.session.get_session().get_service_model("s3")
    website = json.loads((site / "s3-website.json").read_text())
    validate_parameters(
        {"Bucket": "b", "WebsiteConfiguration": website},
        model.operation_model("PutBucketWebsite").input_shape,
    )
    manifest = json.loads((site / "s3-objects.json").read_text())
    assert manifest["website"] == website
    put = model.operation_model("PutObject").input_shape
    redirects = 0
    for item in manifest["objects"]:
        params = {
            "Bucket": "b",
            "Key": item["key"],
            "Body": b"",
            "ContentType": item["content_type"],
            "CacheControl": item["cache_control"],
        }
        if item["website_redirect_location"]:
            params["WebsiteRedirectLocation"] = item["website_redirect_location"]
            redirects += 1
        validate_parameters(params, put)
        assert (site / item["body"]).is_file()
    assert redirects == 2  # permfixed and -dash: 301 and no query to pass on


@pytest.fixture
def s3_api(tmp_path: Path) -> Iterator[dict[str, str]]:
    server = BIN / "moto_server"
    if not server.exists() or not (BIN / "aws").exists():
        message = "moto and awscli are not installed (the README's test command installs them)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    log = tmp_path / "moto.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out
        )
    try:
        wait_for_port(port, proc, log)
        env = {
            **os.environ,
            "PATH": f"{BIN}:{os.environ['PATH']}",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
            "BUCKET": "go-example",
        }
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_publish_script_applies_the_manifest_with_the_aws_cli(
    site: Path, s3_api: dict[str, str]
) -> None:
    need("boto3")
    import boto3

    env = s3_api
    subprocess.run(
        [str(BIN / "aws"), "s3api", "create-bucket", "--bucket", env["BUCKET"]],
        env=env,
        check=True,
        capture_output=True,
    )
    run = subprocess.run(
        ["sh", str(site / "s3-publish.sh")], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]

    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    bucket = env["BUCKET"]
    website = s3.get_bucket_website(Bucket=bucket)
    assert website["IndexDocument"] == {"Suffix": "index.html"}
    assert website["ErrorDocument"] == {"Key": "404.html"}

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    rule_files = {f for h in HOSTS.values() for f in h.files}
    assert not keys & rule_files, "rule files must stay out of the bucket"
    assert {"index.html", "404.html", "links.json", "temp.html", "robots.txt"} <= keys

    # the shared files the pages load, with the types a browser takes them as ('aws s3
    # sync' guesses them from the names)
    script = ("text/javascript", "application/javascript")
    for key, types in (
        ("_shortlinks/qr.js", script),
        ("_shortlinks/views.js", script),
        ("_shortlinks/preview.js", script),
        ("_shortlinks/style.css", ("text/css",)),
        ("_shortlinks/preview.html", ("text/html",)),
        ("_shortlinks/previews/0.json", ("application/json",)),
    ):
        kind = s3.head_object(Bucket=bucket, Key=key)["ContentType"].split(";")[0]
        assert kind in types, (key, kind)

    manifest = json.loads((site / "s3-objects.json").read_text())
    for item in manifest["objects"]:
        head = s3.head_object(Bucket=bucket, Key=item["key"])
        assert head["ContentType"] == item["content_type"], item["key"]
        assert head["CacheControl"] == item["cache_control"], item["key"]
        assert head.get("WebsiteRedirectLocation") == item["website_redirect_location"], item
        body = s3.get_object(Bucket=bucket, Key=item["key"])["Body"].read()
        assert body == (site / item["body"]).read_bytes(), item["key"]

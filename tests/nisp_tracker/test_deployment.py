import fcntl
import fnmatch
import gc
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.nisp_tracker.test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]


def test_compose_describes_the_production_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:3] == ["celery", "-A", "nisp_tracker"]
    # The web workers load gunicorn.conf.py (its post_fork hook tunes the garbage collector).
    assert services["web"]["command"][:3] == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_redis_evicts_only_cache_keys_when_full():
    # The cache and Celery's queues share one Redis: a full one must drop cached pages (they
    # all expire), never a queued task (which has no expiry).
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["redis"][
        "command"
    ]
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options["--maxmemory-policy"] == "volatile-lru"
    assert options["--maxmemory"].endswith("mb")


def test_gunicorn_workers_get_the_tuned_garbage_collector():
    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = gc.get_threshold()
    # Python's defaults, nothing frozen: the suite itself runs tuned (tests/conftest.py).
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    try:
        namespace["post_fork"](server=None, worker=None)
        assert gc.get_threshold() == (50_000, 20, 100)
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)


def test_env_example_commits_no_real_secret():
    example = (ROOT / ".env.example").read_text()
    assert "SECRET_KEY=change-me" in example
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def dockerignore_excludes(path: str) -> bool:
    """Whether the build context leaves `path` out, by Docker's rules: patterns are rooted at the
    context, a pattern matching a directory excludes all under it, the last match wins."""
    excluded = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if pattern.startswith("**/"):
            prefixes += ["/".join(parts[i:]) for i in range(len(parts))]
            pattern = pattern[3:]
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            excluded = not negated
    return excluded


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        ".venv/bin/python",
        "var/nisp_tracker.sqlite3",
        "var/media/evidence/report.pdf",
        "media/evidence/report.pdf",
        ".git/config",
    ],
)
def test_the_image_leaves_out_secrets_and_local_state(path):
    assert dockerignore_excludes(path), path


@pytest.mark.parametrize(
    "path", ["manage.py", "core/apps.py", "static/css/app.css", ".env.example"]
)
def test_the_image_keeps_the_code(path):
    assert not dockerignore_excludes(path), path


def test_only_the_tls_proxy_is_published_and_the_web_trusts_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name, service in services.items():
        for mapping in service.get("ports", []):
            published_on_every_interface = not str(mapping).startswith("127.0.0.1:")
            assert name == "proxy" or not published_on_every_interface, (name, mapping)
    assert "ports" not in services["web"]
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "web 8000" in caddyfile
    assert any("deploy/Caddyfile" in volume for volume in services["proxy"]["volumes"])
    assert compose["x-app"]["environment"]["BEHIND_PROXY"] == "1"


def dockerfile_collectstatic_env() -> dict[str, str]:
    """The variables the Dockerfile sets on its collectstatic step."""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if "collectstatic" in line:
            words = shlex.split(line.removeprefix("RUN ").rstrip("\\ "))
            return dict(word.split("=", 1) for word in words[: words.index("python")])
    raise AssertionError("The Dockerfile runs no collectstatic")


def test_the_image_collects_static_files_under_production_settings():
    assert dockerfile_collectstatic_env()["DEBUG"] == "0"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory, testrun_uid):
    """collectstatic run as the Dockerfile runs it (DEBUG=0), once per test run: the test
    processes share one build, the first to ask making it while the others wait on its lock
    (each made its own, 10 s apiece)."""
    static_root = tmp_path_factory.getbasetemp().parent / f"static-{testrun_uid}"
    with open(f"{static_root}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (static_root / "staticfiles.json").is_file():
            _collectstatic(static_root)
    return static_root


def _collectstatic(static_root: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(dockerfile_collectstatic_env(), STATIC_ROOT=str(static_root))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def production_static(collected_static, settings):
    """The production build's files, served as production serves them."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return collected_static


@pytest.mark.django_db
def test_pages_are_served_through_the_manifest_of_the_production_build(production_static, client):
    assert (production_static / "staticfiles.json").is_file()

    page = client.get("/accounts/login/")

    assert page.status_code == 200
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.content.decode())
    assert stylesheet, "the login page does not link the hashed stylesheet"
    served = client.get(stylesheet[1])
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content])


@pytest.mark.django_db
def test_pages_that_name_no_icon_get_the_trackers_own(production_static, client):
    # The admin and the API's documents name none: a browser asks for /favicon.ico.
    asked = client.get("/favicon.ico")
    assert asked.status_code == 302
    assert re.fullmatch(r"/static/img/favicon\.[0-9a-f]{12}\.svg", asked["Location"])
    icon = client.get(asked["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"


def test_the_build_keeps_hashed_copies_compressed_and_source_maps_plain(collected_static):
    stylesheets = {path.name for path in (collected_static / "css").iterdir()}
    assert "app.css" not in stylesheets, "only the hashed copies the pages name are kept"
    hashed = [name for name in stylesheets if re.fullmatch(r"app\.[0-9a-f]{12}\.css", name)]
    assert len(hashed) == 1
    assert {f"{hashed[0]}.gz", f"{hashed[0]}.br"} <= stylesheets
    maps = list(collected_static.rglob("*.map*"))
    assert maps, "the API documentation's bundles ship their source maps"
    assert [path for path in maps if path.suffix in {".gz", ".br"}] == []


def test_a_forwarded_proto_header_is_not_believed_unless_behind_the_proxy(settings, rf):
    spoofed = rf.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert settings.SECURE_PROXY_SSL_HEADER is None  # BEHIND_PROXY unset
    assert not spoofed.is_secure()

    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    behind = run_manage("shell", "-c", show, DEBUG="1", BEHIND_PROXY="1")
    shown = behind.stdout.strip().splitlines()[-1]
    assert shown == "('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr


def test_compose_runs_the_gthread_workers_gunicorn_conf_defaults_to(monkeypatch):
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["environment"]
    defaults = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    chosen = (
        web["GUNICORN_WORKER_CLASS"],
        int(web["GUNICORN_WORKERS"]),
        int(web["GUNICORN_THREADS"]),
    )
    assert chosen == (defaults["worker_class"], defaults["workers"], defaults["threads"])
    assert chosen == ("gthread", 2, 4)
    # The web service's own environment replaces the shared one: it must repeat it.
    assert compose["x-app"]["environment"].items() <= web.items()

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_describes_the_production_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:3] == ["celery", "-A", "nisp_tracker"]
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_env_example_commits_no_real_secret():
    example = (ROOT / ".env.example").read_text()
    assert "SECRET_KEY=change-me" in example
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()

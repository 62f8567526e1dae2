"""docker-compose.yml and the Dockerfiles, checked without a container engine.

The compose file is validated against the compose specification (the schema check-jsonschema
ships); the rest checks what the specification cannot: that it builds from files that exist,
runs every image as a non-root user, and wires the services to each other the way the
services expect.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from shopkit.services import registered_services

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE = REPO_ROOT / "docker-compose.yml"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")

SERVICE_DOCKERFILE = "services/Dockerfile"
# compose service -> its declaration (shopkit.services): compose is written out, and held to it
APP_SERVICES = {service.name: service for service in registered_services()}
DATABASES = {f"ecom_{service.database}" for service in APP_SERVICES.values()}


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_file_follows_the_compose_specification() -> None:
    result = validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    """The validation above can fail: a typo'd key and a wrong type are reported."""
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE.read_text().replace("    depends_on:\n", "    depend_on:\n", 1)
        + "\nx-broken: true\n"
    )
    bad_ports = tmp_path / "ports.yml"
    bad_ports.write_text("services:\n  web:\n    image: nginx\n    ports: 8080\n")
    for path in (broken, bad_ports):
        result = validate(path)
        assert result.returncode != 0, path.read_text()


def test_every_part_of_the_shop_is_a_compose_service(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {
        *APP_SERVICES,
        "postgres",
        "localstripe",
        "frontend",
        "stripe-webhook",
        "keys",
    }
    for name, declared in APP_SERVICES.items():
        service = services[name]
        port = declared.port
        assert service["build"] == {
            "context": ".",
            "dockerfile": SERVICE_DOCKERFILE,
            "args": {"SERVICE": name, "PACKAGE": declared.package, "PORT": str(port)},
        }
        assert service["environment"].get("MIGRATE_ON_START", "true") == "true"
        assert f"127.0.0.1:{port}:{port}" in service["ports"]
        env = service["environment"]
        assert env["PGHOST"] == "postgres"
        assert env["KEYS_DIR"] == "/keys"
        assert env["IDENTITY_URL"] == "http://identity-commerce:8001"
        assert env["CATALOG_URL"] == "http://catalog-fulfillment:8002"
        assert env["NOTIFICATIONS_URL"] == "http://notifications:8010"
        assert env["PUBLIC_KEYS_DIR"] == "/public-keys"
        assert f"{name}-key:/keys:ro" in service["volumes"]  # its own private key only
        assert "public-keys:/public-keys:ro" in service["volumes"]  # everyone's public keys
        assert service["depends_on"]["keys"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert {"path": ".env", "required": False} in service["env_file"]
    assert services["identity-commerce"]["environment"]["STRIPE_API_BASE"] == (
        "http://localstripe:8420"
    )
    hook = services["stripe-webhook"]
    assert hook["image"] == services["identity-commerce"]["image"]
    assert hook["command"][-1] == "scripts/register_stripe_webhook.py"
    assert (REPO_ROOT / "services/identity-commerce" / hook["command"][-1]).is_file()
    assert hook["environment"]["STRIPE_API_BASE"] == "http://localstripe:8420"
    assert "127.0.0.1:5173:8080" in services["frontend"]["ports"]
    assert "127.0.0.1:8420:8420" in services["localstripe"]["ports"]


def test_each_private_key_is_mounted_only_into_its_own_container(compose: dict) -> None:
    """Least privilege: a service that is broken into cannot sign as another one."""
    services = compose["services"]
    for name in APP_SERVICES:
        key_volume = f"{name}-key"
        holders = {
            other
            for other, service in services.items()
            for mount in service.get("volumes", [])
            if mount.split(":")[0] == key_volume
        }
        assert holders == {name, "keys"}, (name, holders)
        own = [m for m in services[name]["volumes"] if m.split(":")[0] == key_volume]
        assert own == [f"{key_volume}:/keys:ro"]
    # The public folder is shared, and only the key generator may write to it.
    for other, service in services.items():
        for mount in service.get("volumes", []):
            if mount.split(":")[0] == "public-keys" and other != "keys":
                assert mount.endswith(":ro"), (other, mount)
    generator = services["keys"]
    assert generator["entrypoint"][-1] == "shopkit.keygen"
    assert set(compose["volumes"]) >= {f"{name}-key" for name in APP_SERVICES} | {"public-keys"}


def test_postgres_init_script_creates_the_three_databases(compose: dict) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    init = [m for m in mounts if m.endswith(":/docker-entrypoint-initdb.d:ro")]
    assert len(init) == 1
    folder = REPO_ROOT / init[0].split(":")[0]
    scripts = sorted(folder.glob("*.sql")) + sorted(folder.glob("*.sh"))
    assert scripts, f"no init script in {folder}"
    text = "\n".join(p.read_text() for p in scripts)
    created = set(re.findall(r"CREATE DATABASE\s+(\w+)", text, re.IGNORECASE))
    assert created == DATABASES


def _stages(dockerfile: Path) -> list[list[str]]:
    """Instructions per build stage (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        assert stages, f"{dockerfile}: instruction before FROM: {line}"
        stages[-1].append(line)
    return stages


def _dockerfiles(compose: dict) -> dict[str, tuple[Path, Path, dict[str, str]]]:
    """service -> (Dockerfile, build context, build arguments)."""
    result = {}
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is None:
            continue
        context = REPO_ROOT / build["context"]
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        result[name] = (dockerfile, context, build.get("args", {}))
    return result


def test_images_are_multi_stage_where_they_build_and_run_as_non_root(compose: dict) -> None:
    dockerfiles = _dockerfiles(compose)
    assert set(dockerfiles) == {*APP_SERVICES, "frontend", "localstripe", "stripe-webhook", "keys"}
    for name, (dockerfile, _, _) in dockerfiles.items():
        assert dockerfile.is_file(), dockerfile
        stages = _stages(dockerfile)
        if name != "localstripe":  # a pip install of one package needs no build stage
            assert len(stages) >= 2, f"{dockerfile} is not multi-stage"
        users = [i.split()[1] for i in stages[-1] if i.upper().startswith("USER ")]
        assert users, f"{dockerfile}: the final stage sets no USER"
        assert users[-1] not in {"root", "0", "0:0"}, f"{dockerfile} runs as root"


def test_dockerfile_copy_sources_exist_in_the_build_context(compose: dict) -> None:
    tracked = set(
        subprocess.run(
            ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    )
    ignored = {
        line.strip().rstrip("/")
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for dockerfile, context, args in _dockerfiles(compose).values():
        for stage in _stages(dockerfile):
            for instruction in stage:
                for arg, value in args.items():
                    instruction = instruction.replace(f"${{{arg}}}", value)
                parts = instruction.split()
                if parts[0].upper() != "COPY" or any(p.startswith("--from") for p in parts):
                    continue
                for source in [p for p in parts[1:-1] if not p.startswith("--")]:
                    path = context / source
                    rel = path.resolve().relative_to(REPO_ROOT).as_posix()
                    # committed files only: a fresh clone has nothing else
                    assert rel in tracked or any(t.startswith(rel + "/") for t in tracked), (
                        f"{dockerfile}: COPY {source}: nothing committed there"
                    )
                    assert rel not in ignored, f"{dockerfile}: {source} is in .dockerignore"


def test_service_images_migrate_then_serve_the_right_app(compose: dict) -> None:
    entrypoint = REPO_ROOT / "docker" / "service-entrypoint.sh"
    assert "alembic upgrade head" in entrypoint.read_text()
    assert entrypoint.stat().st_mode & 0o111, "entrypoint is not executable"
    text = (REPO_ROOT / SERVICE_DOCKERFILE).read_text()
    # the arguments name the app and its port: uvicorn serves the declared app on it
    assert "SERVICE_APP=${PACKAGE}.main:create_app" in text
    assert "SERVICE_PORT=${PORT}" in text
    assert "EXPOSE ${PORT}" in text
    assert (
        'uv sync --frozen --no-dev --no-editable --package "$SERVICE"' in text
    )  # locked, no test tools
    assert "COPY services/${SERVICE}/ ./" in text
    assert 'CMD ["serve"]' in text
    serve = 'uvicorn "$SERVICE_APP" --factory --host 0.0.0.0 --port "$SERVICE_PORT"'
    assert serve in entrypoint.read_text()
    for name, declared in APP_SERVICES.items():
        assert declared.app_path == f"{declared.package}.main:create_app"
        # the folder the image copies holds the migrations the entry point applies
        assert (REPO_ROOT / "services" / name / "alembic.ini").is_file()


def test_compose_lists_every_declared_service_and_its_keys(compose: dict) -> None:
    """compose is written out by hand; the declarations are the list it must match."""
    services = compose["services"]
    from_service_dockerfile = {
        name
        for name, (dockerfile, _, _) in _dockerfiles(compose).items()
        if dockerfile == REPO_ROOT / SERVICE_DOCKERFILE
    }
    assert from_service_dockerfile == {*APP_SERVICES, "keys", "stripe-webhook"}
    generated = {arg.split("=")[0] for arg in services["keys"]["command"][1:]}
    assert generated == set(APP_SERVICES)
    # the key folders the image prepares for the `keys` container, one per service
    text = re.sub(r"\\\n", " ", (REPO_ROOT / SERVICE_DOCKERFILE).read_text())
    prepared = re.search(r"mkdir -p /app /keys /data /public-keys\s+(.*?)\s+&&", text)
    assert prepared is not None
    assert set(prepared.group(1).split()) == {f"/keys/{name}" for name in APP_SERVICES}


def test_variables_used_by_compose_have_defaults_or_are_documented(compose: dict) -> None:
    sample = (REPO_ROOT / ".env.sample").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", sample, re.MULTILINE))
    for match in re.finditer(r"\$\{([A-Z0-9_]+)(:?-[^}]*)?\}", COMPOSE.read_text()):
        name, default = match.group(1), match.group(2)
        assert default or name in documented, f"${{{name}}} has no default and no .env.sample entry"
        assert name in documented, f"{name} is used by docker-compose.yml but not in .env.sample"

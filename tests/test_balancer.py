"""shopstack.balancer: the `scale` profile's HAProxy configuration, checked by haproxy."""

from __future__ import annotations

import subprocess
from pathlib import Path

from shopstack import balancer
from shopstack.profiles import PROFILES


def test_replicas_sit_next_to_the_port_clients_use() -> None:
    assert balancer.replica_ports(24001, 2) == (24101, 24201)
    scale = PROFILES["scale"]
    assert scale.replicas == 2
    replica_ports = {
        port
        for key in ("identity", "catalog", "notifications")
        for port in balancer.replica_ports(scale.ports[key], scale.replicas)
    }
    every_profile_port = {p for profile in PROFILES.values() for p in profile.ports.values()}
    assert len(replica_ports) == 6
    assert not replica_ports & every_profile_port


def test_haproxy_accepts_the_configuration_round_robin_with_readiness_checks(
    tmp_path: Path,
) -> None:
    backends = [
        balancer.Backend("identity-commerce", 24001, (24101, 24201)),
        balancer.Backend("catalog-fulfillment", 24002, (24102, 24202)),
    ]
    path = balancer.write_config(tmp_path / "haproxy.cfg", backends, stats_port=24900)
    text = path.read_text()
    checked = subprocess.run(
        [balancer.haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    identity = text[text.index("backend identity-commerce") : text.index("frontend catalog")]
    assert "balance roundrobin" in identity
    assert "uri /health/ready" in identity
    assert "http-check expect status 200" in identity
    assert "server identity-commerce-1 127.0.0.1:24101" in identity
    assert "server identity-commerce-2 127.0.0.1:24201" in identity
    assert "bind 127.0.0.1:24001" in text
    assert "option forwardfor" in text  # the replicas see each client's own address
    assert "stats uri /stats" in text and "bind 127.0.0.1:24900" in text


def test_a_configuration_haproxy_refuses_is_reported(tmp_path: Path) -> None:
    backends = [balancer.Backend("bad name", 24001, (24101,))]
    try:
        balancer.write_config(tmp_path / "haproxy.cfg", backends, stats_port=24900)
    except balancer.BalancerError as exc:
        assert "HAProxy refused" in str(exc)
    else:
        raise AssertionError("HAProxy accepted a proxy name with a space")

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""The lab's variants: net_af_xdp, a mirror port, and cleaning up after itself."""

import subprocess

import pytest

from conftest import _can_make_namespaces
from wirefault import Lab


@pytest.fixture
def need_netns(built):
    if not _can_make_namespaces():
        pytest.skip("needs root and network namespaces")




def test_xdp_download_byte_exact(need_netns):
    """Steps: a lab on net_af_xdp; a 20 MB download over IPv4 and IPv6.
    Verifies: both byte-exact; the lab stops with wirefault's exit 0 and
    leaves no namespace."""
    lab = Lab(xdp=True)
    try:
        want = lab.www_sha256("20M.bin")
        assert lab.download_sha256("http://198.18.0.2/20M.bin") == want
        assert lab.download_sha256("http://[2001:2::2]/20M.bin") == want
        ports = lab.telemetry("/wirefault/ports")
        assert ports["port0"]["name"].startswith("net_af_xdp")
    finally:
        rc = lab.stop()
    assert rc == 0, lab.process.output[-2000:]
    assert "final statistics" in lab.process.output
    assert lab.namespaces_left() == []


def test_mirror_topology(need_netns):
    """Steps: a lab with --mirror.
    Verifies: the sniffer namespace exists with its eth0 up, port 2 is the
    mirror port (not paired), ports 0 and 1 still forward."""
    mirror = Lab(tag="wfm", mirror=True)
    try:
        sniff = f"{mirror.name}-sniff"
        r = subprocess.run(["ip", "netns", "exec", sniff, "ip", "-o", "link",
                            "show", "eth0"], capture_output=True, text=True)
        assert r.returncode == 0 and "UP" in r.stdout
        ports = mirror.telemetry("/wirefault/ports")
        assert ports["port2"]["role"] == "mirror"
        assert ports["port2"]["peer"] == -1
        assert (mirror.download_sha256("http://198.18.0.2/1M.bin")
                == mirror.www_sha256("1M.bin"))
    finally:
        assert mirror.stop() == 0
    assert mirror.namespaces_left() == []

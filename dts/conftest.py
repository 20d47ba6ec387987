# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Fixtures: one lab per suite module, removed whatever happens."""

import os
import shutil
import subprocess

import pytest

from wirefault import WIREFAULT, Lab


def _can_make_namespaces() -> bool:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    name = f"wfprobe{os.getpid()}"
    ok = subprocess.run(["ip", "netns", "add", name],
                        capture_output=True).returncode == 0
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return ok


@pytest.fixture(scope="session")
def built():
    if not WIREFAULT.exists():
        pytest.fail(f"{WIREFAULT} is not built (meson setup build && ninja -C build)")


@pytest.fixture(scope="module")
def lab(built):
    """A lab (client, wirefault, server) for the tests of one module."""
    if not _can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    lab = Lab()
    try:
        yield lab
    finally:
        lab.stop()
        left = lab.namespaces_left()
        assert not left, f"lab left namespaces behind: {left}"

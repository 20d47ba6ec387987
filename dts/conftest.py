# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Fixtures: one lab per suite module, removed whatever happens."""

import os
import shutil
import subprocess
import tempfile

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
def lab(built, request):
    """A lab (client, wirefault, server) for the tests of one module.

    A module may set LAB_EXTRA (a list of wirefault options, e.g. ["-f",
    "config/x.rules"]: the lab passes them after its --), LAB_CWD (the
    directory the lab, so wirefault, runs in: relative paths in LAB_EXTRA
    and in rules start there) or LAB_IN_TMPDIR = True (run it in a fresh
    temporary directory, removed afterwards, so that relative paths such as
    `log file x.pcap` land there); lab.cwd names the directory."""
    if not _can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    extra = getattr(request.module, "LAB_EXTRA", None)
    tmp = (tempfile.mkdtemp(prefix="wflabcwd")
           if getattr(request.module, "LAB_IN_TMPDIR", False) else None)
    cwd = tmp or getattr(request.module, "LAB_CWD", None)
    try:
        lab = Lab(extra=extra, cwd=cwd)
        try:
            yield lab
        finally:
            lab.stop_clean()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

"""Shared set-up for browser tests: Playwright driving Debian's Chromium, never a downloaded one."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
               "--disable-component-update", "--disable-sync"]


def require_browser():
    """Skip on a machine without Chromium, but fail in CI, where `make test` installs it."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed (make test installs it)")
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; make test installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")

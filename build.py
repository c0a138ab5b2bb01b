#!/usr/bin/env python3
"""Build the news archive site: `python build.py --help`."""

import sys

from newsarchive.cli import main

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the news archive site: `python build.py --help`."""

from newsarchive.cli import end_process, main

if __name__ == "__main__":
    end_process(main())

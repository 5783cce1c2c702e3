"""Settings of the baseline's server in ``bench.search``: the Hub's, with the naive expert search as the URLconf.

Production code carries no baseline: only the benchmark starts a process with these settings.
"""

from config.settings import *  # noqa: F403 (the Hub's settings, unchanged but for the URLconf)

ROOT_URLCONF = "bench.search_baseline"

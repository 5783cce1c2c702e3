"""Which matches a search ranks: the first ``RANK_WINDOW`` whose document matches and the first
``NAMES_WINDOW`` whose names match, in id order; the other matches follow in id order.

Ranking reads each ranked row's whole document, too slow for a word found in most rows, so only
these candidates are ranked (exactly, when there are fewer matches). Measured on 100,000 seeded
experts (when the windows were read by SQL): a names window much smaller than the names hits of
a rare name tipped the planner into reading thousands of rows in id order, so it stays large.
"""

RANK_WINDOW = 100
NAMES_WINDOW = 200

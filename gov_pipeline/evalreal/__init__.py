"""Scores on real reports nobody here wrote (`make eval-real`): figures and metadata on the labelled excerpts,
table cells on the Pingtan gold tables. Everything here reads ../shared/real/ in place and never copies it."""

"""The Dagster layer: one module per warehouse layer, each asset a thin call into the library."""

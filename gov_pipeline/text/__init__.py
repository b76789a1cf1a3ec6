"""Pure text library: decode -> clean -> sections -> metadata -> metrics -> consistency.

No Dagster or DuckDB import anywhere under this package.
"""

"""gov-disclosure: Chinese government information-disclosure reports into a validated DuckDB warehouse."""
import os

# The pipeline does no linear algebra: one OpenBLAS thread (instead of one per core, started when numpy is
# imported) keeps every run process and every forked text worker free of idle BLAS threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

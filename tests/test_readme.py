"""The README tells the truth: the warehouse contract is the code's, and the example outputs are the warehouse's."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.sql_models import load_models

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(\w+)` \| (\w+) \| ([^|]*) \| (.*) \|$")


def _section(table: str) -> str:
    start = README.index(f"#### `{table}`")
    nxt = README.find("\n#", start + 1)
    return README[start: nxt if nxt > 0 else len(README)]


def _rows(table: str) -> list[tuple[str, ...]]:
    return [m.groups() for m in map(ROW.match, _section(table).splitlines()) if m]


def test_readme_shows_the_commands():
    for command in ("make demo", "make test", "make dev", "make sql"):
        assert command in README


def test_every_python_table_is_documented_as_its_schema_says():
    for name, table in TABLES.items():
        want = [(n, c.metadata["duckdb"], "yes" if c.nullable else "no", c.description)
                for n, c in table.schema.columns.items()]
        assert _rows(name) == want, name
        if table.schema.unique:
            assert f"Key: {', '.join(f'`{c}`' for c in table.schema.unique)}." in _section(name), name


def test_every_mart_is_documented_as_its_sql_file_declares():
    models = load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES))
    assert len(models) >= 6
    for model in models:
        want = [(c.name, c.type, c.rules, c.description) for c in model.columns]
        assert [(n, t, rules.strip(), d) for n, t, rules, d in _rows(model.qualified)] == want, model.qualified


def _examples() -> list[tuple[str, str, str]]:
    """(sql, mode, output) of every example query: the ```sql block and the output printed under it."""
    part = README[README.index("### Example queries"):README.index("## Settings")]
    found = []
    for m in re.finditer(r"```sql\n(.*?)\n```\n\n(```text\n(.*?)\n```|((?:\|[^\n]*\n)+))", part, re.S):
        found.append((m.group(1), "-line" if m.group(3) is not None else "-markdown",
                      (m.group(3) if m.group(3) is not None else m.group(4)).rstrip("\n")))
    return found


@pytest.mark.skipif(not Path(sys.executable).with_name("duckdb").exists(), reason="the duckdb shell is not installed")
def test_the_example_outputs_are_what_the_shell_prints_on_the_seeds(seeded):
    examples = _examples()
    assert len(examples) == 8
    shell = str(Path(sys.executable).with_name("duckdb"))
    for sql, mode, output in examples:
        printed = subprocess.run([shell, mode, "-readonly", str(seeded.settings.read_copy), "-c", sql],
                                 capture_output=True, text=True, check=True).stdout.rstrip("\n")
        assert printed == output, sql


def test_the_shell_is_installed_with_the_project():
    assert shutil.which("duckdb", path=str(Path(sys.executable).parent))

"""The warehouse schema is a public interface: every table and column is documented in the README."""
import re

from gov_pipeline.schemas import TABLES
from gov_pipeline.settings import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _section(table: str) -> str:
    start = README.index(f"#### `{table}`")
    nxt = README.find("\n#### ", start + 1)
    return README[start: nxt if nxt > 0 else len(README)]


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README and "make dev" in README


def test_every_python_table_and_column_is_documented():
    for name, table in TABLES.items():
        section = _section(name)
        for column in table.columns:
            assert f"`{column}`" in section, f"{name}.{column} is not documented in README.md"


def test_every_mart_column_is_documented(seeded):
    marts = [r[0] for r in seeded.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1")]
    assert len(marts) >= 5
    for mart in marts:
        section = _section(f"marts.{mart}")
        for (column,) in seeded.query(f"SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = '{mart}'"):
            assert re.search(rf"`{column}`", section), f"marts.{mart}.{column} is not documented in README.md"

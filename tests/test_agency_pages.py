"""The agency pages: a static HTML report (index.html and one page per agency) written beside the warehouse from the
marts, over a corpus of our own (tests/analysts/corpus.py: three bureaus over four years with a broken carry-over,
a reused part 五, a missing year, a table that does not add up and one correction), and opened in a real headless
browser (Chromium), from disk."""
import datetime as dt
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gov_pipeline.agency_pages import GENERATOR, INDEX, MANIFEST, input_stamp, page_files, page_slug, write_pages
from gov_pipeline.defs.agency_pages import AGENCY_PAGES_KEY
from gov_pipeline.defs.automation import REFRESH_KEYS, ROLLUP_KEYS
from gov_pipeline.defs.marts import MART_KEYS
from gov_pipeline.demo import QUIET
from gov_pipeline.settings import Settings
from tests.analysts import corpus
from tests.analysts.warehouse import KEY, corpus_harness

NAME = {a: f"{corpus.PROVINCE_CITY}{c}生态环境局" for a, c in corpus.AGENCIES.items()}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")



@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The corpus through the whole graph once (its correction applied, the carry-over finding acknowledged)."""
    with corpus_harness(tmp_path_factory.mktemp("pages")) as h:
        h.folder = h.settings.reports_dir
        h.files = page_files(KEY.values())
        yield h


def page(h, agency: str) -> str:
    return (h.folder / h.files[KEY[agency]]).read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    """The part of a page from the heading with this id to the next heading."""
    start = html.index(f'<h2 id="{anchor}"')
    end = html.find("<h2 ", start + 1)
    return html[start:end if end > 0 else len(html)]


def cells(row_html: str) -> list[str]:
    """A table row's cells as text (tags dropped, a line break a space, white space collapsed)."""
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", c))).split())
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)]


def table_row(html: str, first_cell_text: str) -> list[str]:
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        texts = cells(row)
        if texts and texts[0] == first_cell_text:
            return texts
    raise AssertionError(f"no row {first_cell_text!r}")


def page_href(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def test_the_index_lists_every_agency_with_its_years_findings_and_gaps(pages):
    assert pages.folder == pages.settings.warehouse.parent / "reports"
    assert sorted(p.name for p in pages.folder.iterdir()) == sorted([INDEX, MANIFEST, *pages.files.values()])
    assert pages.files[KEY["qingshi"]] == "浙江省_丽水市_青石县_生态环境.html"  # Chinese kept, / replaced
    index = (pages.folder / INDEX).read_text(encoding="utf-8")
    assert GENERATOR in index[:1024]
    rows = {}
    for agency in KEY:
        assert f'href="{page_href(pages.files[KEY[agency]])}"' in index
        rows[agency] = table_row(index, f"{NAME[agency]} {KEY[agency]}")
    # agency, years covered, reports loaded, open findings (by severity), coverage gaps
    assert rows["qingshi"][1:] == ["2021–2024", "4", "0", "none"]  # its one finding is acknowledged
    assert rows["baisha"][1:] == ["2021–2024", "4", "1 1 warning", "none"]
    assert rows["honghe"][1:] == ["2021–2024", "3", "2 2 errors", "missing 2023"]


def test_an_agency_page_shows_its_headline_figures_by_year_and_a_chart(pages):
    html = page(pages, "qingshi")
    assert f"<title>{NAME['qingshi']}" in html and f"<h1>{NAME['qingshi']}</h1>" in html
    headline = section(html, "headline")
    assert table_row(headline, "figure")[3:] == ["2021", "2022", "2023", "2024"]
    # 主动公开政府信息数 by year: 2022 printed 412, corrected to 421 (marked)
    assert table_row(headline, "主动公开政府信息数") == ["主动公开政府信息数", "proactive_total", "条", "313", "421*", "333",
                                                   "343"]
    received = [str(corpus.FIGURES[("qingshi", y)][0]) for y in corpus.YEARS]
    assert table_row(headline, "本年新收政府信息公开申请数量")[3:] == received
    # the chart: an inline SVG whose text stays text (metric codes and years, no CJK font needed)
    chart = re.search(r"<svg\b.*?</svg>", headline, re.S).group(0)
    assert "<text" in chart and "proactive_total" in chart and "2023" in chart
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert not re.search(r"<(script|img|link)\b", html)  # nothing to load: the page opens from disk as it is
    # the largest year-on-year change first: 313 -> 421 (+35%), corrected
    changes = section(html, "changes")
    assert table_row(changes, "2022")[1:] == ["主动公开政府信息数 proactive_total", "313", "421*", "+108", "+35%"]
    # the carry-over finding is acknowledged: not open, counted
    findings = section(html, "findings")
    assert "No open finding." in findings and "1 acknowledged, not shown" in findings
    coverage = section(html, "coverage")
    assert table_row(coverage, "2023")[:3] == ["2023", "annual report", "qingshi_2023.txt"]


def test_the_reused_part_and_the_open_finding_link_to_the_source_file(pages):
    html = page(pages, "baisha")
    reuse = section(html, "reuse")
    row = re.search(r"<tr><td>五、存在的主要问题及改进情况</td>(.*?)</tr>", reuse, re.S).group(1)
    assert re.search(r'<td class="num reused"[^>]*>100%</td>', row)  # 2023 copied 2022's part 五
    assert cells(row) == ["—", "0%", "100%", "0%"]
    findings = section(html, "findings")
    assert "section_reused" in findings and "warning" in findings
    links = re.findall(r'<a class="source" href="([^"]+)">([^<]+)</a>', findings)
    assert [name for _, name in links] == ["baisha_2023.txt", "baisha_2022.txt"]
    for uri, name in links:
        assert uri.startswith("file:///")
        assert Path(uri.removeprefix("file://")) == pages.inbox / name and (pages.inbox / name).is_file()
    # a finding's evidence, both sides, with its table and row
    honghe = section(page(pages, "honghe"), "findings")
    assert "applicant_sum" in honghe and "table 2, row 一、本年新收政府信息公开申请数量" in honghe
    assert re.search(r'<span class="tag">evidence</span>一、本年新收政府信息公开申请数量 \| 11 \|', honghe)


def test_the_asset_says_what_it_wrote_and_follows_the_marts(pages):
    meta = pages.instance.get_latest_materialization_event(AGENCY_PAGES_KEY).asset_materialization.metadata
    assert meta["path"].value == str(pages.folder / INDEX)
    assert meta["pages_written"].value == 4 and meta["agencies"].value == 3
    assert meta["open_findings"].value == 3  # baisha's reused part 五, honghe's two table errors
    assert AGENCY_PAGES_KEY in ROLLUP_KEYS and AGENCY_PAGES_KEY not in REFRESH_KEYS  # not in the inbox's runs
    # written in the run that built the marts: nothing left for automation to do
    settled = dg.evaluate_automation_conditions(defs=pages.defs, instance=pages.instance)
    settled = dg.evaluate_automation_conditions(defs=pages.defs, instance=pages.instance, cursor=settled.cursor)
    assert settled.get_num_requested(AGENCY_PAGES_KEY) == 0
    # the marts rebuilt on their own: automation re-writes the pages
    job = pages.defs.resolve_implicit_global_asset_job_def()
    job.execute_in_process(instance=pages.instance, asset_selection=MART_KEYS, run_config=QUIET)
    after = dg.evaluate_automation_conditions(defs=pages.defs, instance=pages.instance, cursor=settled.cursor)
    assert after.get_num_requested(AGENCY_PAGES_KEY) == 1
    # nothing changed in what the pages read: that run leaves them as they are, and says so
    job.execute_in_process(instance=pages.instance, asset_selection=[AGENCY_PAGES_KEY], run_config=QUIET)
    meta = pages.instance.get_latest_materialization_event(AGENCY_PAGES_KEY).asset_materialization.metadata
    assert meta["pages_written"].value == 0 and meta["agencies"].value == 3 and meta["open_findings"].value == 3


def test_pages_are_replaced_and_pages_of_agencies_gone_are_removed(pages, tmp_path):
    folder = tmp_path / "reports"
    con = duckdb.connect(str(pages.settings.read_copy), read_only=True)
    try:
        now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)
        first = write_pages(con, folder, pages.inbox, now=now)
        assert first.charts_drawn == 3 and first.charts_reused == 0
        written = {p.name: p.read_bytes() for p in folder.iterdir()}
        stale = folder / "浙江省_丽水市_旧县_生态环境.html"
        stale.write_text(f'<!DOCTYPE html><meta name="generator" content="{GENERATOR}">', encoding="utf-8")
        mine = folder / "notes.html"  # not written by the pages: left alone
        mine.write_text("<p>my notes</p>", encoding="utf-8")
        (folder / f".{INDEX}.tmp").write_text("half", encoding="utf-8")  # a killed run's
        before = (folder / INDEX).stat().st_ino
        second = write_pages(con, folder, pages.inbox, now=now)
    finally:
        con.close()
    # the same figures: the charts are taken from the pages as they were, and the pages come out the same
    assert second.charts_drawn == 0 and second.charts_reused == 3
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name in written} == written
    assert (folder / INDEX).stat().st_ino != before  # renamed over the old file, not written in place
    assert not stale.exists() and mine.exists() and not (folder / f".{INDEX}.tmp").exists()
    assert sorted(second.removed) == sorted([f".{INDEX}.tmp", stale.name])


def test_pages_written_an_agency_at_a_time_are_the_pages_written_at_once(pages, tmp_path, monkeypatch):
    """The agencies' rows are read in batches (all at once is more than DuckDB's memory limit at 5,000 agencies);
    batches of one agency give the same pages, byte for byte."""
    import gov_pipeline.agency_pages as agency_pages

    now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)
    con = duckdb.connect(str(pages.settings.read_copy), read_only=True)
    try:
        once = write_pages(con, tmp_path / "once", pages.inbox, now=now)
        monkeypatch.setattr(agency_pages, "BATCH_REPORTS", 1)
        assert len(agency_pages._agency_batches(con, agency_pages._read_common(con)["present"])) == len(once.pages) == 3
        batched = write_pages(con, tmp_path / "batched", pages.inbox, now=now)
    finally:
        con.close()
    assert [vars(p) for p in batched.pages] == [vars(p) for p in once.pages]
    assert {f.name: f.read_bytes() for f in (tmp_path / "batched").iterdir()} == {
        f.name: f.read_bytes() for f in (tmp_path / "once").iterdir()}


def test_pages_from_the_same_tables_are_not_written_again(pages, tmp_path):
    """With a stamp of what they are written from (input_stamp), pages whose tables are as they were are left as
    they are; a new stamp, a page gone or a write without a stamp writes them."""
    from gov_pipeline.warehouse import model_stamps

    folder = tmp_path / "reports"
    con = duckdb.connect(str(pages.settings.read_copy), read_only=True)
    try:
        stamps = model_stamps(con)
        stamp = input_stamp(stamps, pages.inbox)
        assert input_stamp(stamps, tmp_path) != stamp  # the inbox the pages link to counts
        changed = dict(stamps, **{"marts.audit_findings": "another"})
        assert input_stamp(changed, pages.inbox) != stamp
        assert input_stamp(dict(stamps, **{"marts.corrected_metric": "x"}), pages.inbox) == stamp  # not read
        first = write_pages(con, folder, pages.inbox, stamp=stamp)
        inode = (folder / INDEX).stat().st_ino
        again = write_pages(con, folder, pages.inbox, stamp=stamp)
        assert (first.written, again.written, again.files_written) == (True, False, [])
        assert (folder / INDEX).stat().st_ino == inode
        assert [vars(p) for p in again.pages] == [vars(p) for p in first.pages]
        assert (again.open_findings, again.index_bytes) == (first.open_findings, first.index_bytes)
        assert write_pages(con, folder, pages.inbox, stamp=input_stamp(changed, pages.inbox)).written
        (folder / first.pages[0].file).unlink()  # a page gone: all written again
        assert write_pages(con, folder, pages.inbox, stamp=input_stamp(changed, pages.inbox)).written
        assert (folder / first.pages[0].file).exists()
        assert write_pages(con, folder, pages.inbox).written and not (folder / MANIFEST).exists()
        assert write_pages(con, folder, pages.inbox, stamp=stamp).written  # no manifest: written
    finally:
        con.close()


def test_page_names_are_safe_and_unique():
    assert page_slug("浙江省/丽水市/青石县/生态环境") == "浙江省_丽水市_青石县_生态环境"
    assert page_slug('a\\b:c*?"<>|d') == "a_b_c_d" and page_slug("index") == "index_" and page_slug("..") == "agency"
    long = page_slug("/".join(["内蒙古自治区"] * 20))
    assert len(long.encode("utf-8")) <= 180 and re.search(r"~[0-9a-f]{8}$", long)
    assert page_files(["a/b", "a_b", "A/B"]) == {"A/B": "A_B.html", "a/b": "a_b~2.html", "a_b": "a_b~3.html"}
    settings = Settings.from_env({"GOV_WAREHOUSE": "/data/w/gov.duckdb"})
    assert settings.reports_dir == Path("/data/w/reports")


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def dump_dom(browser: str, path: Path, profile: Path) -> subprocess.CompletedProcess:
    """The page as Chromium renders it from disk (file://): its DOM after load, and what it logged."""
    return subprocess.run(
        [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=90)


def test_the_pages_load_in_a_headless_browser(pages, tmp_path):
    browser = find_browser()
    if browser is None:
        pytest.skip("no headless browser: install Chromium (`apt-get install chromium`; `make test` does when it "
                    "runs as root with apt-get) to open the agency pages in it")
    index = dump_dom(browser, pages.folder / INDEX, tmp_path / "profile")
    assert index.returncode == 0, index.stderr[-2000:]
    assert all(NAME[a] in index.stdout for a in KEY) and "missing 2023" in index.stdout
    assert ":CONSOLE" not in index.stderr  # the page logged nothing: no error
    agency = dump_dom(browser, pages.folder / pages.files[KEY["qingshi"]], tmp_path / "profile")
    assert agency.returncode == 0, agency.stderr[-2000:]
    assert f"<h1>{NAME['qingshi']}</h1>" in agency.stdout
    assert re.search(r'<svg\b[^>]*class="chart"', agency.stdout) and "proactive_total" in agency.stdout
    for value in ("313", "421", "333", "343"):
        assert f">{value}<" in agency.stdout
    assert ":CONSOLE" not in agency.stderr

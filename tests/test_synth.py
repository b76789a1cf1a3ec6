"""Tests of the synthetic corpus generator (gov_pipeline.synth)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import opencc
import pytest

from gov_pipeline.evaluate import KNOWN_CODES
from gov_pipeline.synth import generate
from gov_pipeline.synth.agencies import make_agencies
from gov_pipeline.synth.doc import MULTI_CODES, cn_number

ROOT = Path(__file__).resolve().parents[1]
T2S = opencc.OpenCC("t2s")


def _truth(d: Path) -> list[dict]:
    return [json.loads(x) for x in (d / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


def _text(d: Path, rec: dict) -> str:
    text = (d / rec["file"]).read_bytes().decode(rec["encoding"])
    return T2S.convert(text) if rec["script"] == "traditional" else text


def _m(rec, code, src, dim=None):
    for m in rec["metrics"]:
        if m["metric_code"] == code and m["source_kind"] == src and m["dimension"] == dim:
            return m["value"]
    raise KeyError((code, src, dim))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, 6, (2012, 2022), seed=11, noise=0.5)
    return out


@pytest.fixture(scope="module")
def noisy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("noisy")
    generate(out, 25, (2008, 2025), seed=5, noise=1.0)
    return out


def test_cli_is_deterministic(tmp_path):
    args = ["--agencies", "4", "--years", "2012-2022", "--seed", "3", "--noise", "1.0"]
    for name in ("a", "b"):
        subprocess.run([sys.executable, "-m", "gov_pipeline.synth", "--out", str(tmp_path / name), *args],
                       check=True, cwd=ROOT, capture_output=True)
    files_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    files_b = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert files_a == files_b
    assert len(files_a) == 4 * 11 + 1
    for name in files_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_differs(tmp_path):
    generate(tmp_path / "a", 2, (2020, 2020), seed=1)
    generate(tmp_path / "b", 2, (2020, 2020), seed=2)
    assert (tmp_path / "a" / "truth.jsonl").read_bytes() != (tmp_path / "b" / "truth.jsonl").read_bytes()


def test_every_era_in_small_corpus(small):
    recs = _truth(small)
    assert len(recs) == 6 * 11
    eras = Counter(r["meta"]["format_era"] for r in recs)
    assert eras == {"narrative": 12, "table_2014": 30, "table_2019": 12, "table_2021": 12}
    for rec in recs:
        text = _text(small, rec)
        era, year = rec["meta"]["format_era"], rec["meta"]["report_year"]
        assert rec["file"].endswith(f"_{year}.txt")
        assert ("统计指标" in text) == (era == "table_2014"), rec["file"]
        assert ("本年制发件数" in text) == (era == "table_2021"), rec["file"]
        assert ("第二十条第(一)项" in text) == (era in ("table_2019", "table_2021")), rec["file"]
        assert ("总计" in text) == (era in ("table_2019", "table_2021")), rec["file"]
        if era == "table_2019":
            assert "采购项目数量" in text
        # the title and the agency name really are in the file
        assert rec["meta"]["agency_name"] in text
        assert str(year) in rec["meta"]["title"]


def test_rename_keeps_agency_key(small):
    recs = _truth(small)
    by_slug: dict[str, dict[int, dict]] = {}
    for r in recs:
        by_slug.setdefault(r["file"].split("_")[0], {})[r["meta"]["report_year"]] = r["meta"]
    for years in by_slug.values():
        old, new = years[2018], years[2019]
        assert old["agency_key"] == new["agency_key"]
        assert old["agency_key"].endswith("/生态环境")
        assert "环境保护" in old["agency_name"] and "生态环境" in new["agency_name"]
        assert "环境保护" not in new["agency_name"]
        assert {old["province"], old["city"], old["county"]} == {new["province"], new["city"], new["county"]}


def test_agency_mix_and_keys():
    ags = make_agencies(40, seed=9)
    levels = Counter(a.level for a in ags)
    assert set(levels) == {"province", "city", "county"}
    assert len({a.key for a in ags}) == 40
    assert len({a.slug for a in ags}) == 40
    assert len({a.province for a in ags}) >= 10
    bj = [a for a in make_agencies(213, seed=0) if a.county == "怀柔区"][0]
    assert bj.key == "北京市/北京市/怀柔区/生态环境"
    with pytest.raises(ValueError):
        make_agencies(214, seed=0)


def test_gb18030_files_really_are_gb(noisy):
    gb = [r for r in _truth(noisy) if r["encoding"] == "gb18030"]
    assert len(gb) > 20
    for rec in gb[:30]:
        raw = (noisy / rec["file"]).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        text = raw.decode("gb18030")
        name = rec["meta"]["agency_name"]
        assert name in (T2S.convert(text) if rec["script"] == "traditional" else text)
    bom = [r for r in _truth(noisy) if r["encoding"] == "utf-8-sig"]
    assert bom and (noisy / bom[0]["file"]).read_bytes().startswith(b"\xef\xbb\xbf")


def test_traditional_files_convert_back(noisy):
    trad = [r for r in _truth(noisy) if r["script"] == "traditional"]
    assert len(trad) > 10
    for rec in trad:
        raw = (noisy / rec["file"]).read_bytes().decode(rec["encoding"])
        assert rec["meta"]["agency_name"] not in raw  # every agency name has 环 -> 環
        assert rec["meta"]["agency_name"] in T2S.convert(raw)


def test_truth_vocabulary_and_uniqueness(noisy):
    for rec in _truth(noisy):
        # one figure per (code, dimension, source) except the open figure model's breakdowns (several
        # environment releases of one category ...) and the generic code, told apart by its label
        keys = [(m["metric_code"], m["dimension"], m["source_kind"]) for m in rec["metrics"]
                if not (m["metric_code"] in MULTI_CODES and (m["dimension"] or m["metric_code"] == "other_figure"))]
        assert len(keys) == len(set(keys)), rec["file"]
        labels = [m["label"] for m in rec["metrics"] if m["metric_code"] == "other_figure"
                  and "unit_daxiang" not in m.get("phrasing", ())]
        assert all(labels) and len(labels) == len(set(labels)), rec["file"]
        # a list counted in major and minor items (梳理…12大项58小项) states two figures of one phrase
        pairs = Counter(m["label"] for m in rec["metrics"] if "unit_daxiang" in m.get("phrasing", ()))
        assert all(n == 2 for n in pairs.values()) and not set(pairs) & set(labels), rec["file"]
        for m in rec["metrics"]:
            assert m["metric_code"] in KNOWN_CODES
            assert m["source_kind"] in ("table", "narrative")
            assert m["qualifier"] in (None, "approx", "as_of", "cumulative", "negation")
            if m["is_redacted"]:
                assert m["value"] is None
            if m["qualifier"] == "negation":
                assert m["value"] == 0
        if rec["meta"]["format_era"] == "narrative":
            assert all(m["source_kind"] == "narrative" for m in rec["metrics"])


def test_request_balance_and_staff_sums(noisy):
    checked_b = checked_s = broken = 0
    for rec in _truth(noisy):
        era, issues = rec["meta"]["format_era"], rec["expected_issues"]
        if era in ("table_2019", "table_2021"):
            new, cin = _m(rec, "requests_received", "table"), _m(rec, "requests_carried_in", "table")
            res, out = _m(rec, "requests_resolved", "table"), _m(rec, "requests_carried_out", "table")
            balanced = new + cin == res + out
            assert balanced == ("request_balance" not in issues), rec["file"]
            broken += not balanced
            # the printed result rows (予以公开, 部分公开, each reason row, 2019's 其他处理) add up to 总计;
            # the (三)/(四)/(五) parents print no cells of their own, so the truth has no row for them
            rows = {m["dimension"]: m["value"] for m in rec["metrics"]
                    if m["metric_code"] == "requests_resolved" and m["source_kind"] == "table"
                    and m["dimension"] and "applicant=" not in m["dimension"]}
            assert "result=refused" not in rows and "result=unable" not in rows
            assert {"result=disclosed", "result=partial", "result=refused;reason=state_secret"} <= set(rows)
            assert sum(rows.values()) == res
            # every applicant cell is there unless the row lost its blank cells (shrink shape)
            cells = [m for m in rec["metrics"] if m["metric_code"] == "requests_received"
                     and m["source_kind"] == "table" and m["dimension"] and "applicant=" in m["dimension"]]
            assert len(cells) in (0, 6), rec["file"]
            if cells and all(c["value"] is not None for c in cells):
                assert sum(c["value"] for c in cells) == new
            review = [_m(rec, "admin_review_total", "table", f"result={k}") for k in ("upheld", "corrected", "other", "pending")]
            assert sum(review) == _m(rec, "admin_review_total", "table")
            lit = _m(rec, "admin_litigation_total", "table")
            assert lit == _m(rec, "admin_litigation_total", "table", "route=direct") + \
                _m(rec, "admin_litigation_total", "table", "route=after_review")
            checked_b += 1
        if era == "table_2014":
            tot, full, part = (_m(rec, c, "table") for c in ("staff_total", "staff_fulltime", "staff_parttime"))
            assert (tot == full + part) == ("staff_sum" not in issues), rec["file"]
            chans = [_m(rec, "requests_received", "table", f"channel={c}") for c in ("in_person", "fax", "online", "letter")]
            assert sum(chans) == _m(rec, "requests_received", "table")
            checked_s += 1
    assert checked_b > 50 and checked_s > 50 and broken > 0


def test_narrative_figures_are_in_the_text(noisy):
    seen_cn = seen_approx = seen_neg = seen_redacted = 0
    for rec in _truth(noisy):
        text = _text(noisy, rec)
        for m in rec["metrics"]:
            if m["source_kind"] != "narrative" or m["value"] is None or m["qualifier"] == "negation":
                seen_neg += m["qualifier"] == "negation"
                seen_redacted += m["is_redacted"]
                continue
            forms = _forms(m["value"])
            assert any(f in text for f in forms), (rec["file"], m)
            seen_cn += str(m["value"]) not in text and cn_number(int(m["value"])) in text
            seen_approx += m["qualifier"] == "approx"
    assert seen_cn > 0 and seen_approx > 0 and seen_neg > 0 and seen_redacted > 0


def _forms(v) -> set[str]:
    """Ways a value may be written: 356, 三百五十六, 2.5 (a share), 35.6万 / 120万 (a count in 万)."""
    if isinstance(v, float) and not v.is_integer():
        return {f"{v:g}", f"{v:.1f}", f"{v:.2f}"}
    v = int(v)
    forms = {str(v), cn_number(v) if v < 10000 else str(v), cn_number(v, liang=True) if v < 10000 else str(v)}
    if v >= 10000 and v % 1000 == 0:
        forms.add(f"{v / 10000:g}万")
    return forms


def test_contradictions_and_redactions_are_recorded(noisy):
    n_contra = n_red = 0
    for rec in _truth(noisy):
        if "prose_table_mismatch" in rec["expected_issues"]:
            pairs = {}
            for m in rec["metrics"]:
                if m["dimension"] is None and m["qualifier"] is None:
                    pairs.setdefault(m["metric_code"], {})[m["source_kind"]] = m["value"]
            assert any(p.get("narrative") is not None and p.get("table") is not None
                       and p["narrative"] == p["table"] - 1 for p in pairs.values()), rec["file"]
            n_contra += 1
        if any(m["is_redacted"] for m in rec["metrics"]):
            assert "docshare" in rec["noise"] and "redaction_possible" in rec["noise"]
            assert "x" in _text(noisy, rec)
            n_red += 1
    assert n_contra > 5 and n_red > 5


def test_noise_wrappers_and_meta(noisy):
    recs = _truth(noisy)
    noise = Counter(n.split(":")[0] for r in recs for n in r["noise"])
    for kind in ("chrome", "docshare", "cover_letter", "image", "traditional"):
        assert noise[kind] > 10, kind
    for rec in recs:
        text = _text(noisy, rec)
        meta = rec["meta"]
        if "chrome" in rec["noise"]:
            assert meta["published_on"] and meta["published_on"] in text
        elif meta["published_on"]:  # else the full signature date (the report's or the cover letter's)
            y, m, d = (int(x) for x in meta["published_on"].split("-"))
            assert f"{y}年{m}月{d}日" in text, rec["file"]
        else:
            assert not re.search(r"\n\s*\d{4}年\d{1,2}月\d{1,2}日\s*(?:\n|$)", text), rec["file"]
        if meta["doc_number"]:
            assert meta["doc_number"] in text and "签发人" in text
        if "docshare" in rec["noise"]:
            assert "_第1页" in text and "\n1、" in text and "\n2、" in text
        if "image" in rec["noise"]:
            assert "[image: image" in text
        assert text.rstrip().endswith(("日", "月", "关闭", "号", "【关闭】", "【关闭窗口】", "查看。")), rec["file"]


def test_clean_corpus_without_noise(tmp_path):
    recs = generate(tmp_path, 5, (2012, 2022), seed=2, noise=0.0)
    assert all(r["noise"] in ([], ["tables:a=pipe,b=pipe,c=pipe"]) for r in recs)
    assert all(r["encoding"] == "utf-8" and r["script"] == "simplified" for r in recs)
    assert not any(i in ("prose_table_mismatch", "staff_sum", "request_balance")
                   for r in recs for i in r["expected_issues"])


def test_generation_speed(tmp_path):
    t0 = time.perf_counter()
    recs = generate(tmp_path, 112, (2008, 2025), seed=1, noise=0.5)
    elapsed = time.perf_counter() - t0
    assert len(recs) == 2016
    assert elapsed < 20, elapsed
    sizes = sorted((tmp_path / r["file"]).stat().st_size for r in recs)
    assert 3000 < sizes[len(sizes) // 2] < 12000


# --------------------------------------------------------------------------- phrasing families (open figure model)
FAMILIES = ("category", "channel", "env_release", "messages", "visits", "followers", "rate", "change", "zero_words",
            "media", "other", "request_outcome", "running_total", "headline_parts")


def test_every_family_in_a_fair_share_of_reports(noisy):
    recs = _truth(noisy)
    share = {f: sum(any(m.get("family") == f for m in r["metrics"]) for r in recs) / len(recs) for f in FAMILIES}
    for fam, s in share.items():
        assert 0.15 <= s <= 0.8, (fam, s)
    distractors = sum(any(f.startswith("distractor:") for f, _ in r["sentences"]) for r in recs) / len(recs)
    assert distractors > 0.6
    kinds = {f for r in recs for f, _ in r["sentences"] if f.startswith("distractor:")}
    assert {"distractor:time_limit", "distractor:structure", "distractor:enumerated", "distractor:title",
            "distractor:doc_number", "distractor:phone", "distractor:date", "distractor:one_person"} <= kinds
    codes = Counter(m["metric_code"] for r in recs for m in r["metrics"] if m.get("family"))
    for code in ("share_pct", "yoy_change", "digitisation_rate", "followers", "messages_handled", "media_items",
                 "env_releases", "other_figure", "completion_rate", "website_visits"):
        assert codes[code] >= 20, (code, codes[code])


def _plain(text: str) -> str:
    """The text without image placeholders and white space (they may cut a sentence anywhere)."""
    return re.sub(r"\s+", "", re.sub(r"\[image: image\d+\.jpg\]", "", text))


def test_family_sentences_are_in_the_text(noisy):
    n = found = 0
    for rec in _truth(noisy)[:200]:
        text = _plain(_text(noisy, rec))
        for fam, sent in rec["sentences"]:
            n += 1
            found += re.sub(r"\s+", "", sent) in text
    assert n > 300 and found / n > 0.95  # document-sharing copies cut a few sentences into numbered chunks


def test_family_truth_is_what_the_text_says(noisy):
    """Shares are the printed rounding of item / total; categories add up to the stated total; changes follow the
    previous year; zeros in words are negations of value 0; the generic code always names its phrase."""
    recs = _truth(noisy)
    by_agency: dict[str, dict[int, dict]] = {}
    for rec in recs:
        by_agency.setdefault(rec["file"].rsplit("_", 1)[0], {})[rec["meta"]["report_year"]] = rec
    n_share = n_change = 0
    for rec in recs:
        ms = rec["metrics"]
        heads = [m for m in ms if m["metric_code"] == "proactive_total" and m["dimension"] is None
                 and m["source_kind"] == "narrative" and m["qualifier"] is None and m["value"] is not None]
        cats = {m["dimension"]: m["value"] for m in ms if m["metric_code"] == "proactive_total"
                and (m["dimension"] or "").startswith("category=") and m.get("family") == "category"}
        shares = {m["dimension"]: m["value"] for m in ms if m["metric_code"] == "share_pct"}
        if cats and all(v is not None for v in cats.values()) and heads:
            total = heads[0]["value"]
            assert sum(cats.values()) == total, rec["file"]
            for dim, v in cats.items():
                s = shares.get(f"{dim};of=proactive_total")
                if s is not None:
                    assert abs(s - 100 * v / total) <= 0.051, (rec["file"], dim, s)
                    n_share += 1
        for m in ms:
            if m["metric_code"] == "yoy_change":
                assert m["dimension"] in ("direction=increase", "direction=decrease") and m["value"] > 0
                n_change += 1
            if m.get("family") == "zero_words":
                assert m["value"] == 0 and m["qualifier"] == "negation"
            if m["metric_code"] == "other_figure":
                # the phrase it counts (a verb and the noun after the figure join: 编发12期工作简报 → 编发工作简报)
                assert m["label"] and m["label"][-4:] in _plain(_text(noisy, rec)), (rec["file"], m)
            if m["metric_code"] in ("share_pct", "completion_rate", "digitisation_rate") and m["value"] is not None:
                assert 0 <= m["value"] <= 100
    assert n_share > 50 and n_change > 30
    # a change of the proactive total in items is this year's total minus last year's
    checked = 0
    for years in by_agency.values():
        for y, rec in years.items():
            prev = years.get(y - 1)
            if prev is None or rec["meta"]["format_era"] != "table_2014" or prev["meta"]["format_era"] != "table_2014":
                continue
            cur_t, prev_t = _m(rec, "proactive_total", "table"), _m(prev, "proactive_total", "table")
            sents = [s for f, s in rec["sentences"] if f == "change" and "主动公开信息" in s and "条" in s]
            for s in sents:
                word = "增加" if cur_t > prev_t else "减少"
                assert f"{word}{abs(cur_t - prev_t)}条" in s, (rec["file"], s)
                checked += 1
    assert checked > 3


def _fam_metrics(rec: dict, family: str) -> list[dict]:
    return [m for m in rec["metrics"] if m.get("family") == family]


def test_request_outcomes_in_prose(noisy):
    """Outcomes in prose only in narrative-format reports (their table, if any, is the 2014 one, which has no
    requests_resolved cell); each is a result value of figure_dimensions.csv; after 其中 they and the carried-over
    requests make up the year's requests, in a sentence of their own they make up the requests closed."""
    results = {"result=disclosed", "result=partial", "result=refused", "result=unable", "result=not_processed",
               "result=other"}
    n = 0
    for rec in _truth(noisy):
        ms = _fam_metrics(rec, "request_outcome")
        if not ms:
            continue
        n += 1
        assert rec["meta"]["format_era"] in ("narrative", "table_2014"), rec["file"]
        assert not any(m["metric_code"] == "requests_resolved" and m["source_kind"] == "table" for m in rec["metrics"])
        outs = [m for m in ms if m["metric_code"] == "requests_resolved"]
        assert outs and all(m["dimension"] in results and m["qualifier"] is None for m in outs), rec["file"]
        assert len({m["dimension"] for m in outs}) == len(outs)
        val = {m["metric_code"]: m["value"] for m in ms if m["dimension"] is None}
        if any(v is None for v in val.values()) or any(m["value"] is None for m in outs):
            continue  # redacted
        if any(m["qualifier"] == "approx" for m in ms):
            continue
        total = sum(m["value"] for m in outs)
        if "requests_completed" in val:
            assert total == val["requests_completed"], rec["file"]
        else:
            assert total + val.get("requests_carried_out", 0) == val["requests_received"], rec["file"]
    assert n > 50


def test_running_totals_and_headline_parts(noisy):
    """A running total in brackets exceeds the year's figure; a category part stated before the total is smaller
    than it and names a category the breakdown does not list; a total over several channels is the year's total
    (the table's, where there is one); a part after 其中 naming nothing is the generic code, below its total."""
    n_run = n_part = n_list = n_generic = 0
    for rec in _truth(noisy):
        ms = rec["metrics"]
        text = _plain(_text(noisy, rec))
        head = next((m for m in ms if m["metric_code"] == "proactive_total" and m["dimension"] is None
                     and m["source_kind"] == "narrative"), None)
        table = next((m["value"] for m in ms if m["metric_code"] == "proactive_total" and m["dimension"] is None
                      and m["source_kind"] == "table"), None)
        for m in _fam_metrics(rec, "running_total"):
            if m["metric_code"] == "proactive_cumulative":
                n_run += 1
                assert m["qualifier"] == "cumulative" and m["dimension"] is None
                assert "bracket" in m["phrasing"]
                if m["value"] is not None and head["value"] is not None:
                    assert m["value"] > head["value"], rec["file"]
        hp = _fam_metrics(rec, "headline_parts")
        breakdown = {m["dimension"] for m in ms if m.get("family") == "category"}
        for m in hp:
            tags = m.get("phrasing", ())
            if "part_first" in tags:
                n_part += 1
                assert m["dimension"].startswith("category=") and m["dimension"] not in breakdown, rec["file"]
                assert head is not None, rec["file"]
                if m["value"] is not None and head["value"] is not None:
                    assert m["value"] < head["value"], rec["file"]
            if "channel_list" in tags:
                n_list += 1
                assert m is head
                if table is not None and m["value"] is not None and m["qualifier"] is None:
                    assert m["value"] == table, rec["file"]
            if m["metric_code"] == "other_figure":
                n_generic += 1
                site = next(x for x in hp if x["dimension"] == "channel=website")
                if m["value"] is not None and site["value"] is not None:
                    assert m["value"] < site["value"]
                assert f"其中{m['label']}" in text, rec["file"]
    assert n_run > 50 and n_part > 50 and n_list > 30 and n_generic > 50


def test_new_units_and_zero_phrases(noisy):
    """通, 场次 and 大项/小项 figures and the full-width zeros are in the corpus, zeros whose phrase names
    publishing among them."""
    tags = Counter(t for r in _truth(noisy) for m in r["metrics"] for t in m.get("phrasing", ()))
    for tag in ("unit_tong", "unit_changci", "unit_daxiang", "fullwidth", "bracket", "part_first", "channel_list"):
        assert tags[tag] >= 20, (tag, tags[tag])
    texts = "".join(_text(noisy, r) for r in _truth(noisy)[:400])
    assert "零投诉" in texts and "，" in texts
    labels = {m["label"] for r in _truth(noisy) for m in r["metrics"] if m["metric_code"] == "other_figure"}
    assert any("因信息发布审核不严" in x or "因公开不当" in x for x in labels)
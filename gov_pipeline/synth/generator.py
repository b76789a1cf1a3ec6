"""Corpus generation: agencies x years -> report files + truth.jsonl."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from .agencies import Agency, make_agencies
from .doc import Doc
from .facts import AgencyState, make_facts
from .tables import table_2014
from .report import BASE_RATES, BRACKETS, GIVEN, SURNAMES, Ctx, body_new, body_old, era_of, signature

_S2T = None


def _s2t(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


TABLE_MARK = "\x00"  # marks table lines while wrappers are applied (never cut those)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def safe_cut(line: str, rnd: random.Random, lo: float = 0.2, hi: float = 0.8) -> int | None:
    """An index between two CJK characters, away from any digit or x, to cut a line."""
    n = len(line)
    if n < 30:
        return None
    for _ in range(12):
        i = rnd.randint(int(n * lo), int(n * hi))
        if not (_is_cjk(line[i - 1]) and _is_cjk(line[i])):
            continue
        window = line[max(0, i - 4): i + 4]
        if any(ch.isdigit() or ch in "xX" or ch in "〇零一二三四五六七八九十百千两余近" for ch in window):
            continue
        return i
    return None


def _sig_date(rnd: random.Random, year: int) -> dt.date:
    if rnd.random() < 0.08:
        return dt.date(year, 12, rnd.randint(20, 31))
    if year >= 2019:
        return dt.date(year + 1, 1, rnd.randint(6, 29))
    return dt.date(year + 1, rnd.randint(1, 3), rnd.randint(3, 28))


def _title(c: Ctx, kind: str) -> str:
    r = c.rnd
    if kind == "work_summary":
        return f"{c.name}{c.year}年政务公开工作总结"
    return r.choice((f"{c.name}{c.year}年政府信息公开工作年度报告", f"{c.name}{c.year}年政府信息公开工作年度报告",
                     f"{c.name}{c.year}年度政府信息公开工作年度报告", f"{c.name}{c.year}年政府信息公开年度报告"))


def _person(r: random.Random) -> str:
    return r.choice(SURNAMES) + "".join(r.sample(GIVEN, r.choice((1, 2))))


def build_report(ag: Agency, year: int, facts, rnd: random.Random, noise: float) -> tuple[str, str, dict]:
    """Returns (text, encoding, truth record without 'file')."""
    c = Ctx(ag, year, rnd, noise)
    era = c.era
    kind = "work_summary" if (era == "narrative" and rnd.random() < 0.15) else "annual_report"
    noise_log: list[str] = []
    docshare = c.p("docshare")
    chrome = (not docshare) and c.p("chrome")
    d = Doc(rnd, redact_p=min(1.0, BASE_RATES["redact"] * noise) if docshare else 0.0)
    if docshare and d.redact_p:
        noise_log.append("redaction_possible")
    title = _title(c, kind)
    contradict = None
    if era != "narrative" and c.p("contradiction"):
        contradict = "requests" if era in ("table_2019", "table_2021") or rnd.random() < 0.5 else "proactive"
        if contradict == "requests" and len(facts.new) < 2:
            contradict = "proactive" if era == "table_2014" else None
    shape = lambda choices: rnd.choice(choices) if c.p("alt_shape") else "pipe"  # noqa: E731

    d.add("title", title)
    if era in ("narrative", "table_2014"):
        body_old(c, d, facts, kind=kind, contradict=contradict)
        if era == "table_2014":
            d.h(rnd.choice(("附表:", "附件:")) + f"{year}年政府信息公开情况统计表")
            staff_bad = c.p("staff_bad")
            table_2014(d, facts, shape(("cells", "space")), staff_bad=staff_bad)
            if staff_bad:
                d.issue("staff_sum")
                said = d.metrics.get(("staff_total", None, "narrative"))
                if said is not None and said["value"] is not None:  # the prose states the true total
                    d.issue("prose_table_mismatch")
    else:
        balance_bad = c.p("balance_bad")
        shapes = {"a": shape(("cells", "space")), "b": shape(("cells", "shrink", "space")),
                  "c": shape(("cells", "vertical"))}
        body_new(c, d, facts, contradict=contradict, shapes=shapes, balance_bad=balance_bad)
        if balance_bad:  # Table B's 结转 total is one more than its cells
            d.issue("request_balance")
            cells = [m for (code, dim, src), m in d.metrics.items()
                     if code == "requests_carried_out" and src == "table" and dim and m["value"] is not None]
            if len(cells) >= 2:  # the row's own cells no longer add up to its 总计
                d.issue("table_sum")
            said = d.metrics.get(("requests_carried_out", None, "narrative"))
            if said is not None and said["value"] is not None:  # the prose states the true figure
                d.issue("prose_table_mismatch")
        noise_log.append("tables:" + ",".join(f"{k}={v}" for k, v in shapes.items()))
    sig = _sig_date(rnd, year)
    sig_full = signature(c, d, sig)

    # ---- lines, with image placeholders cut into prose
    lines: list[str] = []
    images = c.p("image")
    n_img = rnd.randint(1, 2) if images else 0
    prose_idx = [i for i, (k, t) in enumerate(d.blocks) if k == "p" and len(t) >= 40]
    img_at = set(rnd.sample(prose_idx, min(n_img, len(prose_idx))))
    img_no = rnd.randint(1, 4)
    for i, (k, t) in enumerate(d.blocks):
        if i in img_at:
            cut = safe_cut(t, rnd)
            if cut is not None:
                t = t[:cut] + f"[image: image{img_no}.jpg]\n\n\n" + t[cut:]
                img_no += 1
                noise_log.append("image")
        if k == "p" and era == "narrative" and rnd.random() < 0.3:
            t = "  " + t
        lines.append(TABLE_MARK + t if k == "t" else t)

    # ---- cover letter
    doc_number = None
    if c.p("cover_letter"):
        lb, rb = rnd.choice(BRACKETS)
        doc_number = f"{ag.abbr}{rnd.choice(('环字', '环发', '环函', '环办字'))}{lb}{sig.year}{rb}{rnd.randint(3, 260)}号"
        cover = [
            f"  {doc_number}{' ' * rnd.randint(6, 26)}签发人:{_person(rnd)}",
            rnd.choice((f"关于报送{c.name}{year}年政府信息公开工作年度报告的函",
                        f"关于呈送{year}年政府信息公开工作年度报告的报告")),
            "",
            f"{ag.superior()}:",
            f"依据《条例》和上级关于做好年度报告编制工作的通知要求,{c.me()}编写完成了{year}年政府信息公开工作年度报告,"
            f"现随文报送,请审阅。",
            "",
            f"附件:{title}",
            "",
            f"{' ' * 20}{c.name}",
            f"{' ' * 20}{sig.year}年{sig.month}月{sig.day}日",
            "",
        ]
        lines = cover + lines
        noise_log.append("cover_letter")

    # published_on: the web page's date when there is one, else a full signature date the text states
    # (the report's own signature, or the cover letter's, which is always a full date)
    published = sig if (sig_full or doc_number) else None
    if chrome:
        published = sig + dt.timedelta(days=rnd.randint(0, 25))
        head = [rnd.choice(("首页 | 机构职能 | 政务公开 | 办事服务 | 互动交流", "无障碍 | 长者版 | 繁體",
                            f"{c.short}门户网站 欢迎您")),
                rnd.choice(("当前位置:首页 > 政府信息公开 > 政府信息公开年报", "您现在的位置:首页 > 信息公开 > 年度报告",
                            "首页 > 政务公开 > 政府信息公开年度报告")),
                ""]
        if c.p("metadata_block"):
            head.append(f"索引号:{rnd.randint(10000000, 99999999)}-{year + 1}-{rnd.randint(1, 999):03d} | 发布机构:{c.name} | "
                        f"公开方式:主动公开 | 公开范围:面向社会")
        meta_line = rnd.choice((
            f"发布日期:{published.isoformat()} 来源:{c.name} 字号:[ 大 中 小 ]",
            f"发布时间:{published.isoformat()} {rnd.randint(8, 17):02d}:{rnd.randint(0, 59):02d} 来源:{c.short} 浏览次数:{rnd.randint(30, 3000)}",
            f"发布日期:{published.isoformat()}  来源:本站  字号:大 中 小  打印",
        ))
        # the title stays the first body line; the chrome frames it
        body_title, rest = lines[0], lines[1:]
        if doc_number:
            body_title, rest = None, lines
        foot = ["", rnd.choice(("【打印本页】 【关闭窗口】", "打印 关闭", "分享到: 【打印】【关闭】")),
                f"主办单位:{c.name}  网站标识码:{rnd.randint(1000000000, 9999999999)}  {ag.abbr}ICP备{rnd.randint(10000000, 99999999)}号"]
        lines = head + ([body_title] if body_title else [title]) + [meta_line, ""] + rest + foot
        noise_log.append("chrome")

    if docshare:
        lines = _docshare(lines, title, rnd, sig)
        noise_log.append("docshare")

    text = "\n".join(lines).replace(TABLE_MARK, "") + "\n"
    script = "simplified"
    if c.p("traditional"):
        text = _s2t(text)
        script = "traditional"
        noise_log.append("traditional")
    if c.p("gb18030"):
        encoding = "gb18030"
    elif c.p("bom"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"

    meta = {
        "title": title, "agency_name": c.name, "agency_key": ag.key, "admin_level": ag.level,
        "province": ag.province, "city": ag.city, "county": ag.county, "report_year": year,
        "report_kind": kind, "format_era": era,
        "published_on": published.isoformat() if published else None, "doc_number": doc_number,
    }
    truth = {"encoding": encoding, "script": script, "meta": meta, "metrics": d.truth_metrics(),
             "expected_issues": list(d.issues), "noise": noise_log,
             "sentences": [[fam_, sent] for fam_, sent in d.sentences]
             + [["distractor:pool", sent] for sent in dict.fromkeys(c.pool_numerals)]}
    return text, encoding, truth


def _docshare(lines: list[str], title: str, rnd: random.Random, sig: dt.date) -> list[str]:
    ext = rnd.choice(("docx", "doc"))
    fname = f"{title}.{ext}"
    body = "\n".join(lines)
    pages = max(2, min(8, len(body) // 1400 + 1))
    up = sig + dt.timedelta(days=rnd.randint(200, 1500))
    head = [fname, "",
            f"上传者:{rnd.choice('甲乙丙丁')}****{rnd.randint(1, 9)} 文档编号:{rnd.randint(100000000, 999999999)} "
            f"上传时间:{up.isoformat()} 格式:{ext.upper()} 页数:{pages} 大小:{rnd.randint(12, 60)}.{rnd.randint(10, 99)}KB"]
    for i in range(1, pages + 1):
        head.append(f"{fname}_第{i}页")
        head.append(f"第{i}页 / 共{pages}页")
    head += ["该文档共" + str(pages) + "页,已预览全部内容。", "内容简介", "",
             f"《{fname}》由网友上传分享,可在线阅读,共{pages}页。", ""]
    # chunks: cut prose lines mid-sentence and number the chunks 1、 2、 ...
    out: list[str] = []
    n_chunks = pages
    total = sum(len(x) for x in lines)
    step = total / n_chunks
    acc, k = 0.0, 1
    pending_prefix = "1、"
    for ln in lines:
        acc += len(ln)
        if k < n_chunks and acc >= step * k and len(ln) >= 30 and not ln.startswith(TABLE_MARK):
            cut = safe_cut(ln, rnd)
            if cut is not None:
                out.append(pending_prefix + ln[:cut])
                k += 1
                pending_prefix = ""
                out.append("")
                out.append(f"{k}、{ln[cut:]}")
                continue
        out.append(pending_prefix + ln)
        pending_prefix = ""
    return head + out + ["", "本文档仅供预览,完整版请下载后查看。"]


def generate(out_dir: str | Path, agencies: int, years: tuple[int, int], seed: int, noise: float = 0.5,
             bureau: str | None = None) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    y0, y1 = years
    records: list[dict] = []
    for ag in make_agencies(agencies, seed, bureau):
        state = AgencyState()
        frnd = random.Random(f"facts:{seed}:{ag.slug}")
        for year in range(y0, y1 + 1):
            facts = make_facts(ag.level, year, frnd, state, first=(year == y0))
            rnd = random.Random(f"report:{seed}:{ag.slug}:{year}")
            text, encoding, truth = build_report(ag, year, facts, rnd, noise)
            name = f"{ag.slug}_{year}.txt"
            (out / name).write_bytes(text.encode(encoding))
            records.append({"file": name, **truth})
    with (out / "truth.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
    return records


__all__ = ["generate", "build_report", "era_of", "safe_cut"]

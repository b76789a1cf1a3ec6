"""A small corpus of our own: three county bureaus (invented) over 2021-2024, annual reports in the 2021 format, with
what an analyst must find planted in it:

- 青石县 (qingshi): 2023 carries in 3 requests, but 2022 carried 2 out (a broken carry-over); its 2022 prose states
  412 items published where the right figure is 421 (the correction in `CORRECTIONS`);
- 白沙县 (baisha): part 五 of 2023 repeats 2022's word for word (a reused section); documents in force follow
  last year's + issued - repealed every year;
- 红河县 (honghe): no report for 2023 (a missing year); its 2024 request table's applicant columns do not add up.

`write(folder)` writes the reports as text files; everything else here is what the tests expect.
"""
from __future__ import annotations

from pathlib import Path

YEARS = (2021, 2022, 2023, 2024)
AGENCIES = {"qingshi": "青石县", "baisha": "白沙县", "honghe": "红河县"}
PROVINCE_CITY = "浙江省丽水市"
MISSING = {("honghe", 2023)}

# per agency and year: received, carried in, disclosed, partial, not held, carried out, (issued, repealed, in force)
FIGURES = {
    ("qingshi", 2021): (12, 1, 8, 2, 2, 1, (1, 0, 6)),
    ("qingshi", 2022): (15, 1, 10, 2, 2, 2, (2, 1, 7)),
    ("qingshi", 2023): (11, 3, 9, 1, 3, 1, (0, 0, 7)),  # carried in 3, but 2022 carried 2 out
    ("qingshi", 2024): (9, 1, 6, 1, 2, 1, (1, 2, 6)),
    ("baisha", 2021): (20, 0, 14, 3, 2, 1, (3, 0, 10)),
    ("baisha", 2022): (18, 1, 12, 4, 2, 1, (1, 1, 10)),
    ("baisha", 2023): (22, 1, 15, 5, 2, 1, (2, 0, 12)),
    ("baisha", 2024): (16, 1, 11, 3, 2, 1, (0, 3, 9)),
    ("honghe", 2021): (7, 0, 5, 1, 1, 0, (0, 0, 3)),
    ("honghe", 2022): (9, 0, 6, 2, 1, 0, (1, 0, 4)),
    ("honghe", 2024): (10, 1, 7, 2, 1, 1, (1, 1, 4)),
}
PROACTIVE = {("qingshi", 2022): 412}  # as printed; CORRECTIONS says 421
CORRECTIONS = [("c001", "", "浙江省/丽水市/青石县/生态环境", 2022, "proactive_total", "", 421,
                "原文第一部分写作412条,年度公开目录实为421条", "reviewer", "2026-12-01")]
BROKEN_APPLICANT_SUM = ("honghe", 2024)  # the 自然人 cell of 本年新收 is printed one too high

PART5 = {
    ("baisha", 2022): "一是政策解读的形式还比较单一,图解和视频解读偏少;二是基层信息员变动频繁,业务衔接不够顺畅。"
                      "下一步将丰富解读形式,加强信息员培训,建立交接登记制度。",
}
PART5[("baisha", 2023)] = PART5[("baisha", 2022)]  # copied word for word


ISSUES = [  # what each year's part 五 says otherwise: different words every year
    "主动公开的时效性有待提高,个别栏目更新间隔较长。我们将建立栏目更新台账,明确责任人和更新时限。",
    "依申请公开答复文书的规范性还需加强,引用条款不够准确。今后每季度开展一次答复文书评查并通报结果。",
    "政务新媒体与门户网站的信息同步不够及时,互动回应偏慢。下一步将统一发布流程,安排专人值守留言。",
    "基层站所的公开意识参差不齐,培训覆盖面不足。计划分片区组织业务培训,并把公开工作纳入年度考核。",
]


def part5(agency: str, year: int) -> str:
    if (agency, year) in PART5:
        return PART5[(agency, year)]
    return ISSUES[(year + len(agency)) % len(ISSUES)]


def text(agency: str, year: int) -> str:
    county = AGENCIES[agency]
    name = f"{county}生态环境局"
    rec, cin, disc, part, held, cout, (issued, repealed, in_force) = FIGURES[(agency, year)]
    resolved = disc + part + held
    assert rec + cin == resolved + cout, (agency, year)
    proactive = PROACTIVE.get((agency, year), 300 + 10 * (year - 2020) + len(county))
    natural = rec + (1 if (agency, year) == BROKEN_APPLICANT_SUM else 0)

    def row(label: str, total: int, nat: int | None = None, group: str | None = None) -> str:
        cells = [str(total if nat is None else nat), "0", "0", "0", "0", "0", str(total)]
        return " | ".join(([group] if group else []) + [label] + cells) + " |"

    lines = [
        f"{PROVINCE_CITY}{name}{year}年政府信息公开工作年度报告",
        f"本报告由{name}依据《中华人民共和国政府信息公开条例》编制,所列数据统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况",
        f"{year}年,{name}全年主动公开政府信息{proactive}条,收到政府信息公开申请{rec}件。",
        "二、主动公开政府信息情况",
        "第二十条第(一)项",
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "规章 | 0 | 0 | 0 |",
        f"行政规范性文件 | {issued} | {repealed} | {in_force} |",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        row("一、本年新收政府信息公开申请数量", rec, natural),
        row("二、上年结转政府信息公开申请数量", cin),
        row("(一)予以公开", disc, group="三、本年度办理结果"),
        row("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", part, group="三、本年度办理结果"),
        row("1.本机关不掌握相关政府信息", held, group="(四)无法提供"),
        row("(七)总计", resolved, group="三、本年度办理结果"),
        row("四、结转下年度继续办理", cout),
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼 |",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |",
        " | ".join(["0"] * 15) + " |",
        "五、存在的主要问题及改进情况",
        part5(agency, year),
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
        name,
        f"{year + 1}年1月20日",
    ]
    return "\n".join(lines) + "\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for agency in AGENCIES:
        for year in YEARS:
            if (agency, year) in MISSING:
                continue
            path = folder / f"{agency}_{year}.txt"
            path.write_text(text(agency, year), encoding="utf-8")
            out.append(path)
    return out

"""Tables read as grids (HTML, Word, PDF): row labels map rows, column headers map columns, every value cell is
kept with its provenance (core.fact_table_cell), and table figures point to their cell. Small grids written here."""
from gov_pipeline.synth.documents import cells
from gov_pipeline.text.documents import Block, Cell, Document, Grid
from gov_pipeline.text.tables import read_tables

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def grid(rows: list[list[str]], page: int | None = None) -> Grid:
    """A grid from rows of texts: '<' continues the cell to its left, '^' the cell above."""
    return Grid([Cell(*c) for c in cells(rows)], page=page)


def read(*blocks: Block, era: str = "table_2021"):
    doc = Document("html", "test", "utf-8", list(blocks))
    text, layout = doc.render()
    return read_tables(text, None, era, layout)


def by_key(got) -> dict:
    return {(m.metric_code, m.dimension): m.value for m in got.metrics}


def b_grid(header: list[str], body: list[list[str]], page: int | None = None) -> Grid:
    top = [["本列数据的勾稽关系", "<", "申请人情况"] + ["<"] * (len(header) - 1), ["^", "^"] + header]
    return grid(top + body, page)


def test_columns_are_placed_by_their_headers_not_their_order():
    order = [6, 0, 1, 2, 3, 4, 5]  # 总计 printed first
    header = [APPLICANTS[i] for i in order]
    received = [1, 2, 0, 1, 0, 3, 7]  # 自然人…其他, 总计 in the official order
    carried = [1, 0, 0, 0, 0, 0, 1]
    rows = [["一、本年新收政府信息公开申请数量", "<"] + [str(received[i]) for i in order],
            ["二、上年结转政府信息公开申请数量", "<"] + [str(carried[i]) for i in order]]
    got = read(Block("text", "二、收到和处理政府信息公开申请情况"), Block("table", table=b_grid(header, rows)))
    values = by_key(got)
    assert values[("requests_received", "applicant=natural_person")] == 1
    assert values[("requests_received", "applicant=other_org")] == 3
    assert values[("requests_received", None)] == 7
    assert values[("requests_carried_in", None)] == 1


def test_every_value_cell_is_kept_with_its_kind_label_and_header():
    rows = [["一、本年新收政府信息公开申请数量", "<", "3", "", "—", "无", "2xx", "0", "5"],
            ["二、上年结转政府信息公开申请数量", "<", "0", "0", "0", "0", "0", "0", "0"]]
    got = read(Block("table", table=b_grid(APPLICANTS, rows, page=4), page=4))
    first = {c.col_no: c for c in got.cells if c.row_no == 3}
    assert [first[k].value_kind for k in range(3, 10)] == ["number", "blank", "dash", "text", "redacted", "zero",
                                                          "number"]
    assert first[3].row_label == "一、本年新收政府信息公开申请数量"
    assert first[3].col_label.endswith("自然人") and first[9].col_label.endswith("总计")
    assert {c.page for c in got.cells} == {4}
    by_place = {(c.table_no, c.row_no, c.col_no): c for c in got.cells}
    for m in got.metrics:  # every table figure points to the cell it was read from
        cell = by_place[m.cell]
        assert cell.has_metric and cell.value == m.value and m.page == 4


def test_a_row_the_catalogue_does_not_know_keeps_its_cells_without_a_figure():
    rows = [["一、本年新收政府信息公开申请数量", "<", "1", "0", "0", "0", "0", "0", "1"],
            ["二、上年结转政府信息公开申请数量", "<", "0", "0", "0", "0", "0", "0", "0"],
            ["其中:通过网络提交的申请", "<", "1", "0", "0", "0", "0", "0", "1"]]
    got = read(Block("table", table=b_grid(APPLICANTS, rows)))
    extra = [c for c in got.cells if c.row_label == "其中:通过网络提交的申请"]
    assert len(extra) == 7 and not any(c.has_metric for c in extra)
    assert not any(m.label == "其中:通过网络提交的申请" for m in got.metrics)


def test_a_table_continued_on_the_next_page_is_one_table():
    page1 = b_grid(APPLICANTS, [["一、本年新收政府信息公开申请数量", "<", "2", "0", "0", "0", "0", "0", "2"],
                                ["二、上年结转政府信息公开申请数量", "<", "0", "0", "0", "0", "0", "0", "0"]], page=1)
    # the next page's grid has one more label column and no headers
    page2 = grid([["三、本年度办理结果", "(一)予以公开", "<", "1", "0", "0", "0", "0", "0", "1"],
                  ["^", "(二)部分公开", "<", "1", "0", "0", "0", "0", "0", "1"]], page=2)
    got = read(Block("table", table=page1, page=1), Block("text", "某某局", page=2),
               Block("table", table=page2, page=2))
    assert {c.table_no for c in got.cells} == {1}
    disclosed = [c for c in got.cells if c.row_label == "(一)予以公开"]
    assert [c.page for c in disclosed] == [2] * 7
    assert min(c.row_no for c in disclosed) == 5  # below the first page's four rows
    assert disclosed[0].col_label.endswith("自然人")  # the headers carried over
    assert by_key(got)[("requests_resolved", "result=disclosed")] == 1


def test_table_c_fifteen_cells_under_stacked_headers():
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    g = grid([["行政复议", "<", "<", "<", "<", "行政诉讼"] + ["<"] * 9,
              ["^", "^", "^", "^", "^", "未经复议直接起诉", "<", "<", "<", "<", "复议后起诉", "<", "<", "<", "<"],
              words + words + words,
              ["1", "0", "0", "0", "1", "0", "0", "0", "2", "2", "0", "0", "0", "0", "0"]])
    got = read(Block("text", "四、政府信息公开行政复议、行政诉讼情况"), Block("table", table=g))
    values = by_key(got)
    assert values[("admin_review_total", "result=upheld")] == 1
    assert values[("admin_litigation_total", "route=direct")] == 2
    assert values[("admin_litigation_total", "result=pending;route=direct")] == 2
    pending = next(c for c in got.cells if c.row_no == 4 and c.col_no == 9)
    assert pending.col_label == "行政诉讼/未经复议直接起诉/尚未审结"


def test_text_tables_keep_their_cells_too():
    text = ("二、主动公开政府信息情况\n"
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "规章 | 0 | 0 | 2 |\n"
            "行政规范性文件 | 3 | 1 | 12 |\n")
    got = read_tables(text, None, "table_2021")
    normative = [c for c in got.cells if c.row_label == "行政规范性文件"]
    assert [(c.col_no, c.col_label, c.text, c.value_kind) for c in normative] == [
        (1, "本年制发件数", "3", "number"), (2, "本年废止件数", "1", "number"), (3, "现行有效件数", "12", "number")]
    assert all(m.cell is not None and m.page is None for m in got.metrics)

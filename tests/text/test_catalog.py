import pytest

from gov_pipeline.text.catalog import MetricDef, load_catalog, to_wan_yuan, unit_of
from gov_pipeline.text.model import FORMAT_ERAS
from gov_pipeline.text.refdata import read_csv_rows

CONTRACT = {
    "proactive_total": "条", "proactive_cumulative": "条", "proactive_normative_docs": "条",
    "normative_docs_issued": "件", "requests_received": "件", "requests_carried_in": "件",
    "requests_resolved": "件", "requests_carried_out": "件", "requests_completed": "件",
    "requests_replied": "件", "admin_review_total": "件", "admin_litigation_total": "件",
    "complaints_total": "件", "fees_collected": "万元", "press_conferences": "次", "online_interviews": "次",
    "hotspot_responses": "次", "policy_interpretations": "篇", "social_media_responses": "次",
    "staff_total": "人", "staff_fulltime": "人", "staff_parttime": "人", "dedicated_bodies": "个",
    "inspection_points": "个", "special_funds": "万元", "gid_meetings": "次", "trainings": "次",
    "trainees": "人次", "doc_issued": "件", "doc_repealed": "件", "doc_in_force": "件", "doc_new_made": "件",
    "doc_new_published": "件", "doc_total_published": "件", "items_prev_year": "项", "items_change": "项",
    "license_decisions": "件", "other_service_decisions": "件", "penalty_decisions": "件",
    "coercion_decisions": "件", "admin_fee_amount": "万元", "procurement_items": "项",
    "procurement_amount": "万元", "approvals_received": "件", "approvals_completed": "件",
    "petitions_received": "件", "petitions_closed": "件", "completion_rate": "%", "website_visits": "人次",
    # the open figure model's families; yoy_change and other_figure keep the unit written
    "share_pct": "%", "yoy_change": "", "digitisation_rate": "%", "followers": "人", "messages_handled": "件",
    "media_items": "篇", "env_releases": "条", "other_figure": "",
}


def test_codes_and_units_match_contract():
    cat = load_catalog()
    assert set(cat) == set(CONTRACT)
    for code, unit in CONTRACT.items():
        assert cat[code].unit == unit, code
        assert unit_of(code) == unit


def test_csv_columns_and_row_count():
    rows = read_csv_rows("metric_catalog.csv")
    assert list(rows[0].keys()) == ["code", "label_zh", "aliases", "unit", "eras", "is_headline",
                                    "description", "min_value", "max_value"]
    assert len(rows) == len(CONTRACT)


def test_every_row_is_complete():
    for d in load_catalog().values():
        assert isinstance(d, MetricDef)
        assert d.label_zh and d.description and (d.aliases or d.code == "other_figure")
        assert d.eras and set(d.eras) <= set(FORMAT_ERAS), d.code
        assert sum(c.isascii() for c in d.description) / len(d.description) > 0.9, d.code  # English


def test_bounds():
    cat = load_catalog()
    assert (cat["completion_rate"].min_value, cat["completion_rate"].max_value) == (0, 100)
    assert cat["items_change"].min_value < 0
    assert cat["items_change"].in_bounds(-8)
    for code, d in cat.items():
        if code != "items_change":
            assert d.min_value == 0, code
        assert d.max_value is None or d.max_value > 0
    assert not cat["staff_total"].in_bounds(-1)


def test_headlines():
    cat = load_catalog()
    assert cat["proactive_total"].is_headline and cat["requests_received"].is_headline
    assert not cat["doc_issued"].is_headline


def test_cached():
    assert load_catalog() is load_catalog()


def test_to_wan_yuan():
    assert to_wan_yuan(2500, "元") == 0.25
    assert to_wan_yuan(523.15, "万元") == 523.15
    assert to_wan_yuan(3, None) == 3.0
    assert to_wan_yuan(None, "元") is None
    assert to_wan_yuan(1, "亿元") == 10000.0
    with pytest.raises(ValueError):
        to_wan_yuan(1, "件")


def test_unknown_code():
    with pytest.raises(KeyError):
        unit_of("no_such_code")

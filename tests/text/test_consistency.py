from gov_pipeline.text.catalog import load_catalog
from gov_pipeline.text.consistency import RULES, check_consistency, parse_dimension
from gov_pipeline.text.model import Issue, Metric


def M(code, value, kind="table", dim=None, q=None, red=False):
    return Metric(code, value, None, kind, f"{code} {value}", 0, 1, dimension=dim, qualifier=q, is_redacted=red)


def rules_of(issues):
    return [i.rule for i in issues]


def test_rule_names_are_stable():
    assert list(RULES) == ["table_sum", "request_balance", "staff_sum", "prose_table_mismatch",
                           "rate_contradiction", "out_of_bounds", "unknown_code"]


def test_parse_dimension():
    assert parse_dimension("result=refused;reason=state_secret") == (("result", "refused"), ("reason", "state_secret"))
    assert parse_dimension(None) == ()


def test_staff_sum_from_seed_004_table():
    ms = [M("staff_total", 0), M("staff_fulltime", 0), M("staff_parttime", 1)]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["staff_sum"]
    assert issues[0].severity == "warning"
    assert "0" in issues[0].detail and "1" in issues[0].detail


def test_staff_sum_ok():
    assert check_consistency([M("staff_total", 3), M("staff_fulltime", 1), M("staff_parttime", 2)]) == []


def test_prose_table_mismatch_105_vs_106():
    ms = [M("proactive_total", 105, "narrative"), M("proactive_total", 106, "table")]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["prose_table_mismatch"]
    assert "105" in issues[0].detail and "106" in issues[0].detail


def test_prose_table_mismatch_skips_qualified_and_equal():
    assert check_consistency([M("proactive_total", 475, "narrative", q="as_of"), M("proactive_total", 500)]) == []
    assert check_consistency([M("proactive_total", 480, "narrative", q="approx"), M("proactive_total", 500)]) == []
    assert check_consistency([M("proactive_total", 500, "narrative"), M("proactive_total", 500)]) == []
    # the narrative zero in words is compared
    issues = check_consistency([M("requests_received", 0, "narrative", q="negation"), M("requests_received", 3)])
    assert rules_of(issues) == ["prose_table_mismatch"]


def test_prose_counting_carried_in_is_accepted():
    ms = [M("requests_received", 5, "narrative"), M("requests_received", 4), M("requests_carried_in", 1)]
    assert "prose_table_mismatch" not in rules_of(check_consistency(ms))


def test_table_sum_channels_of_requests():
    ms = [M("requests_received", 8), M("requests_received", 5, dim="channel=in_person"),
          M("requests_received", 2, dim="channel=online")]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["table_sum"]
    assert "8" in issues[0].detail and "7" in issues[0].detail


def test_table_sum_refused_reasons():
    ms = [M("requests_resolved", 3, dim="result=refused"),
          M("requests_resolved", 1, dim="result=refused;reason=state_secret"),
          M("requests_resolved", 1, dim="result=refused;reason=third_party")]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["table_sum"]
    assert "result=refused" in issues[0].detail


def test_table_sum_review_results_ok_and_bad():
    ok = [M("admin_review_total", 2), M("admin_review_total", 1, dim="result=upheld"),
          M("admin_review_total", 1, dim="result=corrected"), M("admin_review_total", 0, dim="result=other"),
          M("admin_review_total", 0, dim="result=pending")]
    assert check_consistency(ok) == []
    bad = ok[:1] + [M("admin_review_total", 3, dim="result=upheld")]
    assert rules_of(check_consistency(bad)) == ["table_sum"]  # one child above the total


def test_table_sum_proactive_channels_at_least():
    ms = [M("proactive_total", 100), M("proactive_total", 80, dim="channel=website"),
          M("proactive_total", 60, dim="channel=wechat")]
    assert check_consistency(ms) == []  # an item on two channels counts once
    ms = [M("proactive_total", 106)] + [M("proactive_total", 0, dim=f"channel={c}") for c in ("gazette", "website")]
    assert rules_of(check_consistency(ms)) == ["table_sum"]


def test_table_sum_ignores_narrative_and_nulls():
    ms = [M("requests_received", 8, "narrative"), M("requests_received", 5, "narrative", dim="channel=in_person"),
          M("requests_received", 2, "narrative", dim="channel=online"),
          M("requests_received", 8), M("requests_received", None, dim="channel=fax"),
          M("requests_received", None, dim="channel=online", red=True)]
    assert "table_sum" not in rules_of(check_consistency(ms))


def test_request_balance():
    ms = [M("requests_received", 5), M("requests_carried_in", 1), M("requests_resolved", 4),
          M("requests_carried_out", 1)]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["request_balance"]
    assert "6" in issues[0].detail and "5" in issues[0].detail
    ms[2] = M("requests_resolved", 5)
    assert check_consistency(ms) == []


def test_request_balance_per_applicant():
    d = "applicant=natural_person"
    ms = [M(c, v, dim=d) for c, v in (("requests_received", 2), ("requests_carried_in", 0),
                                       ("requests_resolved", 1), ("requests_carried_out", 0))]
    issues = check_consistency(ms)
    assert rules_of(issues) == ["request_balance"] and "natural_person" in issues[0].detail


def test_rate_contradiction():
    good = [M("approvals_received", 539, "narrative"), M("approvals_completed", 485, "narrative"),
            M("completion_rate", 90, "narrative", dim="kind=approvals")]
    assert check_consistency(good) == []
    bad = good[:2] + [M("completion_rate", 95, "narrative", dim="kind=approvals")]
    issues = check_consistency(bad)
    assert rules_of(issues) == ["rate_contradiction"]
    assert "95" in issues[0].detail and "90.0" in issues[0].detail


def test_rate_other_kinds_not_checked():
    ms = [M("petitions_received", 100, "narrative"), M("petitions_closed", 50, "narrative"),
          M("completion_rate", 100, "narrative", dim="kind=petitions_satisfaction")]
    assert check_consistency(ms) == []


def test_out_of_bounds():
    issues = check_consistency([M("completion_rate", 120, "narrative", dim="kind=approvals")])
    assert rules_of(issues) == ["out_of_bounds"] and issues[0].severity == "error"
    issues = check_consistency([M("staff_total", -1)])
    assert rules_of(issues) == ["out_of_bounds"] and issues[0].severity == "error"
    issues = check_consistency([M("fees_collected", 50000)])
    assert rules_of(issues) == ["out_of_bounds"] and issues[0].severity == "warning"
    assert check_consistency([M("items_change", -8, dim="item=penalty")]) == []
    assert check_consistency([M("completion_rate", None, "narrative", dim="kind=petitions", red=True)]) == []


def test_unknown_code():
    issues = check_consistency([M("made_up_code", 3)])
    assert rules_of(issues) == ["unknown_code"]


def test_explicit_catalog_and_issue_type():
    issues = check_consistency([M("staff_total", -1)], catalog=load_catalog())
    assert all(isinstance(i, Issue) and i.severity in ("error", "warning", "info") for i in issues)
    assert check_consistency([]) == []


def test_table_sum_results_without_own_row_use_their_reason_rows():
    # 2019/2021 Table B: (三)不予公开 has no row of its own, only its reason rows
    ms = [M("requests_resolved", 6), M("requests_resolved", 3, dim="result=disclosed"),
          M("requests_resolved", 1, dim="result=partial"),
          M("requests_resolved", 1, dim="result=refused;reason=state_secret"),
          M("requests_resolved", 0, dim="result=refused;reason=third_party"),
          M("requests_resolved", 1, dim="result=unable;reason=not_held"),
          M("requests_resolved", 0, dim="result=other")]
    assert check_consistency(ms) == []
    bad = ms + [M("requests_resolved", 2, dim="result=not_processed;reason=repeated")]
    issues = check_consistency(bad)
    assert rules_of(issues) == ["table_sum"] and "is 6" in issues[0].detail and "sum to 8" in issues[0].detail

"""The true quantities of one agency-year, internally consistent by construction."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")
APPLICANT_W = (70, 14, 3, 3, 5, 5)
RESULTS = ("disclosed", "partial", "refused", "unable", "not_processed", "other")
RESULT_W = (46, 10, 8, 24, 7, 5)
SUBREASONS = {"refused": 8, "unable": 3, "not_processed": 5, "other": 3}
CHANNELS_2014 = ("in_person", "fax", "online", "letter")
CHANNEL_W = (25, 3, 55, 17)


@dataclass
class Request:
    applicant: str
    channel: str
    result: str | None = None  # None = still open (carried out)
    sub: int = 0  # 0-based sub-reason within result
    on_time: bool = True


@dataclass
class AgencyState:
    """Carried from year to year for continuity (carry-over requests, document stock)."""

    open_requests: list[Request] = field(default_factory=list)
    rules_in_force: int = 0
    normative_in_force: int = 0
    rules_published_total: int = 0
    normative_published_total: int = 0
    items: dict[str, int] = field(default_factory=dict)
    prev_proactive: int | None = None  # last year's figures, for year-on-year changes
    prev_requests: int | None = None
    followers: dict[str, int] = field(default_factory=dict)  # account -> followers (they grow year on year)


@dataclass
class Facts:
    year: int
    proactive: int
    channels: dict[str, int]
    carried_in: list[Request]
    new: list[Request]
    carried_out: list[Request]
    staff_full: int
    staff_part: int
    trainings: int
    trainees: int
    meetings: int
    press: int
    complaints: int
    review: dict[str, int]  # upheld corrected other pending
    litig: dict[str, dict[str, int]]  # route -> result -> n
    fees: float
    docs: dict[str, dict[str, int]]  # doc_type -> field -> n
    decisions: dict[str, int]  # license other_service penalty coercion
    items_prev: dict[str, int]
    items_change: dict[str, int]
    admin_fee: float
    procurement: tuple[int, float]
    hotspots: int
    interviews: int
    interpretations: int
    bodies: int
    points: int
    funds: float
    extra: dict = field(default_factory=dict)  # the open figure model's quantities (make_extras)

    @property
    def resolved(self) -> list[Request]:
        return [r for r in self.carried_in + self.new if r.result is not None]

    def result_count(self, result: str, applicant: str | None = None) -> int:
        return sum(1 for r in self.resolved if r.result == result and (applicant is None or r.applicant == applicant))


def _pick(rnd: random.Random, items, weights):
    return rnd.choices(items, weights)[0]


def make_facts(level: str, year: int, rnd: random.Random, st: AgencyState, first: bool) -> Facts:
    big = {"province": 3, "city": 2, "county": 1}[level]
    # requests
    if big == 3:
        n_new = rnd.randint(8, 160)
    elif big == 2:
        n_new = 0 if rnd.random() < 0.25 else rnd.randint(1, 45)
    else:
        n_new = 0 if rnd.random() < 0.55 else rnd.randint(1, 7)
    if first:
        st.open_requests = [] if (rnd.random() < 0.7 or n_new == 0) else [
            Request(_pick(rnd, APPLICANTS, APPLICANT_W), _pick(rnd, CHANNELS_2014, CHANNEL_W))
            for _ in range(rnd.randint(1, 3))]
    carried_in = st.open_requests
    for r in carried_in:
        r.result = None
    new = [Request(_pick(rnd, APPLICANTS, APPLICANT_W), _pick(rnd, CHANNELS_2014, CHANNEL_W)) for _ in range(n_new)]
    carried_out = []
    for is_new, r in [(False, r) for r in carried_in] + [(True, r) for r in new]:
        if is_new and rnd.random() < 0.07:
            carried_out.append(r)
            continue
        r.result = _pick(rnd, RESULTS, RESULT_W)
        r.sub = rnd.randrange(SUBREASONS.get(r.result, 1))
        r.on_time = rnd.random() < 0.9
    st.open_requests = [Request(r.applicant, r.channel) for r in carried_out]

    # proactive disclosure
    lo, hi = {3: (700, 6000), 2: (150, 2500), 1: (15, 480)}[big]
    proactive = rnd.randint(lo, hi)
    website = proactive - rnd.randint(0, max(1, proactive // 20))
    wechat = 0 if year < 2013 else rnd.randint(0, proactive // 2)
    weibo = 0 if year < 2011 else rnd.randint(0, proactive // 3)
    gazette = rnd.randint(0, 40) if big > 1 else 0
    other = rnd.randint(0, proactive // 5)
    channels = {"gazette": gazette, "website": website, "weibo": weibo, "wechat": wechat, "other": other}

    full = rnd.randint(0, 3 if big > 1 else 1)
    part = rnd.randint(1, 8 if big > 1 else 4)
    trainings = rnd.randint(0, 6)
    trainees = trainings * rnd.randint(8, 70)
    meetings = rnd.randint(1, 6)
    press = rnd.randint(0, 12) if big > 1 else rnd.randint(0, 2)
    complaints = 0 if rnd.random() < 0.85 else rnd.randint(1, 3)

    review = {"upheld": 0, "corrected": 0, "other": 0, "pending": 0}
    if rnd.random() < (0.35 if big == 3 else 0.08):
        for k in review:
            review[k] = rnd.choice((0, 0, 1, 1, 2, 3))
    litig = {rt: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0} for rt in ("direct", "after_review")}
    if rnd.random() < (0.25 if big == 3 else 0.05):
        for rt in litig:
            for k in litig[rt]:
                litig[rt][k] = rnd.choice((0, 0, 0, 1, 2))

    # normative documents
    if year >= 2021:
        docs = {}
        for dt_, attr in (("rules", "rules_in_force"), ("normative", "normative_in_force")):
            cur = getattr(st, attr)
            if cur == 0:
                cur = rnd.randint(0, 6) if (dt_ == "normative" or big == 3) else 0
            issued = rnd.randint(0, 4) if (dt_ == "normative" or big == 3) else 0
            repealed = rnd.randint(0, min(cur, 3))
            cur = cur + issued - repealed
            setattr(st, attr, cur)
            docs[dt_] = {"issued": issued, "repealed": repealed, "in_force": cur}
    else:
        docs = {}
        for dt_, attr in (("rules", "rules_published_total"), ("normative", "normative_published_total")):
            active = dt_ == "normative" or big == 3
            made = rnd.randint(0, 5) if active else 0
            published = rnd.randint(0, made)
            total = getattr(st, attr) + published
            if total == 0 and active:
                total = rnd.randint(0, 12)
            setattr(st, attr, total)
            docs[dt_] = {"made": made, "published": published, "total": total}

    dlo = {3: (80, 2500, 40, 900, 0, 120), 2: (15, 500, 10, 420, 0, 60), 1: (0, 90, 0, 80, 0, 20)}[big]
    decisions = {
        "license": rnd.randint(dlo[0], dlo[1]),
        "other_service": rnd.randint(0, dlo[1] // 4),
        "penalty": rnd.randint(dlo[2], dlo[3]),
        "coercion": rnd.randint(dlo[4], dlo[5]),
    }
    items_prev, items_change = {}, {}
    for k in ("license", "other_service", "penalty", "coercion", "fee"):
        prev = st.items.get(k) or rnd.randint(1, 60 if k != "fee" else 5)
        ch = rnd.randint(-min(prev, 8), 12)
        items_prev[k], items_change[k] = prev, ch
        st.items[k] = prev + ch
    admin_fee = 0.0 if rnd.random() < 0.8 else round(rnd.uniform(0.5, 80), 2)
    procurement = (rnd.randint(0, 25), round(rnd.uniform(10, 900), 2))
    facts = Facts(
        year=year, proactive=proactive, channels=channels, carried_in=carried_in, new=new,
        carried_out=carried_out, staff_full=full, staff_part=part, trainings=trainings, trainees=trainees,
        meetings=meetings, press=press, complaints=complaints, review=review, litig=litig,
        fees=0.0, docs=docs, decisions=decisions, items_prev=items_prev, items_change=items_change,
        admin_fee=admin_fee, procurement=procurement, hotspots=rnd.randint(0, 30),
        interviews=rnd.randint(0, 4), interpretations=rnd.randint(0, 40), bodies=1,
        points=rnd.randint(1, 4), funds=round(rnd.uniform(0, 20), 1) if big > 1 else 0.0,
    )
    facts.extra = make_extras(big, year, rnd, st, facts)
    return facts


# Categories of a proactive-disclosure breakdown: (dimension value, ways of writing it, weight).
CATEGORIES = (
    ("org_function", ("机构职能类", "机构职能类信息", "机构概况类"), 3),
    ("policy", ("政策法规类", "政策法规类信息", "法规政策类"), 5),
    ("planning", ("规划计划类", "规划计划类信息"), 3),
    ("business", ("业务工作类", "业务工作类信息"), 20),
    ("personnel", ("人事任免类", "人事信息类"), 2),
    ("finance", ("财政预决算类", "预决算类信息", "财政资金类"), 2),
    ("licensing", ("行政许可类", "行政审批类"), 6),
    ("penalty", ("行政处罚类", "行政处罚类信息"), 5),
    ("env_quality", ("环境质量类", "环境质量类信息"), 8),
    ("enforcement", ("执法监管类", "监督检查类"), 4),
    ("notices", ("通知公告类", "公示公告类"), 6),
    ("news", ("工作动态类", "工作动态类信息", "政务动态类"), 12),
    ("other", ("其他类", "其他类信息"), 4),
)


def _split(rnd: random.Random, total: int, weights: list[int]) -> list[int]:
    """total split into len(weights) non-negative parts, roughly by weight, summing exactly to total."""
    raw = [w * rnd.uniform(0.5, 1.5) for w in weights]
    s = sum(raw)
    parts = [int(total * r / s) for r in raw]
    for i in rnd.sample(range(len(parts)), len(parts)):
        if sum(parts) >= total:
            break
        parts[i] += 1
    parts[-1] += total - sum(parts)
    return parts


def make_extras(big: int, year: int, rnd: random.Random, st: AgencyState, f: Facts) -> dict:
    """The quantities the open figure model reads from prose: proactive items by category, new-media channels,
    environment-specific releases, messages handled, visits, followers, year-on-year changes."""
    p = f.proactive
    cats = rnd.sample(CATEGORIES, rnd.randint(3, 7))
    cats.sort(key=lambda c: [x[0] for x in CATEGORIES].index(c[0]))
    counts = _split(rnd, p, [w for _, _, w in cats])
    categories = [(code, rnd.choice(names), n) for (code, names, _), n in zip(cats, counts) if n > 0]
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    scale = {3: 4.0, 2: 2.0, 1: 1.0}[big]
    ex = {
        "categories": categories,
        "douyin": rnd.randint(5, int(40 * scale)) if year >= 2018 else 0,
        "toutiao": rnd.randint(5, int(60 * scale)) if year >= 2016 else 0,
        "new_media": 0,  # set below: at least the new-media channels together
        "air_daily": 366 if leap else 365,
        "eia": rnd.randint(3, int(60 * scale)),
        "monitoring": rnd.randint(4, int(40 * scale)),
        "enforcement": rnd.randint(2, int(50 * scale)),
        "penalty_info": rnd.randint(1, int(45 * scale)),
        "double_random": rnd.randint(1, int(12 * scale)),
        "emergency": rnd.randint(1, 9),
        "inspection": rnd.randint(2, int(20 * scale)),
        "online_msgs": rnd.randint(3, int(150 * scale)),
        "mailbox": rnd.randint(1, int(40 * scale)),
        "hotline": rnd.randint(10, int(300 * scale)),
        "visits": rnd.randint(3000, int(400000 * scale)),
        "wechat_reads": rnd.randint(2000, int(90000 * scale)),
        "media": rnd.randint(5, int(60 * scale)),
        "interviews_media": rnd.randint(2, 30),
        "new_media_products": rnd.randint(3, int(30 * scale)),
        "briefs": rnd.choice((4, 6, 10, 12, 12, 24)),
        "open_days": rnd.randint(1, 6),
        "catalogue_kinds": rnd.randint(6, 12),
        "nrp_suggestions": rnd.randint(0, 9), "cppcc_proposals": rnd.randint(0, 9),
        "prev_proactive": st.prev_proactive,
        "prev_requests": st.prev_requests,
    }
    fol = {}
    for acct, since, lo, hi in (("wechat", 2013, 300, 30000), ("weibo", 2011, 200, 50000), ("douyin", 2018, 100, 40000)):
        if year < since:
            continue
        cur = st.followers.get(acct) or int(rnd.randint(lo, hi) * scale)
        cur = int(cur * rnd.uniform(1.02, 1.6))
        st.followers[acct] = cur
        fol[acct] = cur
    ex["followers"] = fol
    if year >= 2015:
        ex["new_media"] = f.channels["wechat"] + f.channels["weibo"] + ex["toutiao"] + ex["douyin"] + rnd.randint(0, 40)
    st.prev_proactive = p
    st.prev_requests = len(f.new)
    return ex

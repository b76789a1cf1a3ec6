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
    return Facts(
        year=year, proactive=proactive, channels=channels, carried_in=carried_in, new=new,
        carried_out=carried_out, staff_full=full, staff_part=part, trainings=trainings, trainees=trainees,
        meetings=meetings, press=press, complaints=complaints, review=review, litig=litig,
        fees=0.0, docs=docs, decisions=decisions, items_prev=items_prev, items_change=items_change,
        admin_fee=admin_fee, procurement=procurement, hotspots=rnd.randint(0, 30),
        interviews=rnd.randint(0, 4), interpretations=rnd.randint(0, 40), bodies=1,
        points=rnd.randint(1, 4), funds=round(rnd.uniform(0, 20), 1) if big > 1 else 0.0,
    )

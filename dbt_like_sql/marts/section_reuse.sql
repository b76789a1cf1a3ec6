-- For each agency and year (marts.agency_year_report) and each of the six official parts of a report (1 总体情况,
-- 2 主动公开, 3 依申请公开, 4 复议诉讼, 5 问题及改进, 6 其他事项), the share of this year's text of the part found in last
-- year's: word 3-grams (jieba tokens) compared through their MinHash signatures (core.fact_section.minhash; a
-- part's signature is the element-wise minimum over its sections). A part 五 reused from last year is the classic
-- finding. The share is an estimate (64 hash functions: within about ±0.06 on parts of a few hundred words).
-- unique: agency_key, report_year, part
-- incremental: agency_key
-- column agency_key VARCHAR not null: canonical agency
-- column report_year INTEGER not null: year covered
-- column part INTEGER not null >= 1 <= 6: official part (1 总体情况 .. 6 其他需要报告的事项)
-- column part_name VARCHAR not null: its name
-- column report_id VARCHAR not null: this year's report
-- column previous_report_id VARCHAR: last year's report; NULL when there is none or it has no such part
-- column shingles BIGINT not null >= 0: word 3-grams of this year's part
-- column previous_shingles BIGINT: of last year's
-- column similarity DOUBLE >= 0 <= 1: estimated Jaccard similarity of the two parts' 3-grams
-- column share_reused DOUBLE >= 0 <= 1: estimated share of this year's part found in last year's (1: copied whole)
WITH part_sections AS (
    SELECT a.agency_key, a.report_year, s.report_id, s.shingles,
           CASE s.topic WHEN 'overview' THEN 1 WHEN 'proactive_disclosure' THEN 2 WHEN 'on_request' THEN 3
                        WHEN 'review_litigation' THEN 4 WHEN 'problems_improvements' THEN 5 END AS topic_part,
           s.heading LIKE '%其他需要报告%' AS other_matters,
           CAST(string_split(s.minhash, ' ') AS UBIGINT[]) AS sig
    FROM marts.agency_year_report a
    JOIN core.fact_section s ON s.report_id = a.report_id
    WHERE s.minhash IS NOT NULL AND s.kind = 'heading'
),
tagged AS (
    SELECT agency_key, report_year, report_id, shingles, sig,
           CASE WHEN other_matters THEN 6 ELSE topic_part END AS part
    FROM part_sections
),
positions AS (
    SELECT agency_key, report_year, report_id, part, unnest(range(1, len(sig) + 1)) AS i, unnest(sig) AS v
    FROM tagged WHERE part IS NOT NULL
),
parts AS (
    SELECT agency_key, report_year, report_id, part, i, min(v) AS v
    FROM positions GROUP BY ALL
),
sizes AS (
    SELECT agency_key, report_year, part, CAST(sum(shingles) AS BIGINT) AS shingles FROM tagged WHERE part IS NOT NULL
    GROUP BY ALL
),
compared AS (
    SELECT c.agency_key, c.report_year, c.part, c.report_id, p.report_id AS previous_report_id,
           count(*) FILTER (WHERE c.v = p.v) / count(*) AS similarity
    FROM parts c
    JOIN parts p ON p.agency_key = c.agency_key AND p.report_year = c.report_year - 1 AND p.part = c.part AND p.i = c.i
    GROUP BY ALL
)
SELECT c.agency_key, c.report_year, c.part,
       ['总体情况', '主动公开政府信息情况', '收到和处理政府信息公开申请情况', '政府信息公开行政复议、行政诉讼情况',
        '存在的主要问题及改进情况', '其他需要报告的事项'][c.part] AS part_name,
       c.report_id, m.previous_report_id, s.shingles, ps.shingles AS previous_shingles, m.similarity,
       CASE WHEN m.similarity IS NOT NULL AND s.shingles > 0
            THEN least(1.0, m.similarity * (s.shingles + ps.shingles) / (1 + m.similarity) / s.shingles) END
           AS share_reused
FROM (SELECT DISTINCT agency_key, report_year, part, report_id FROM parts) c
JOIN sizes s USING (agency_key, report_year, part)
LEFT JOIN compared m USING (agency_key, report_year, part)
LEFT JOIN sizes ps ON ps.agency_key = c.agency_key AND ps.report_year = c.report_year - 1 AND ps.part = c.part
ORDER BY c.agency_key, c.report_year, c.part

-- The hand-written equivalent of one day's aggregation, as an analyst would run it in psql: the same figures (started,
-- consented, completed, symptomatic, every choice and multiple choice, advice, escalations, drop-off, follow-ups, numeric
-- statistics) for the same five dimensions, with GROUPING SETS, results discarded. The baseline of report-load.sh.
--   psql -v tenant=bench -v day=2026-11-22 -f report-groupby.sql
\set from '''' :day ' 00:00:00+09'''
\o /dev/null
BEGIN;
CREATE TEMP TABLE day_responses ON COMMIT DROP AS
SELECT r.* FROM responses r JOIN residents p ON p.id = r.resident_id
WHERE p.tenant_id = :'tenant'
  AND ((r.started_at >= :from::timestamptz AND r.started_at < :from::timestamptz + interval '1 day')
    OR (r.completed_at >= :from::timestamptz AND r.completed_at < :from::timestamptz + interval '1 day'));
CREATE TEMP TABLE day_followups ON COMMIT DROP AS
SELECT d.resident_id, b.questionnaire, b.kind, b.sent_at FROM follow_up_batches b JOIN follow_up_deliveries d ON d.batch_id = b.id
WHERE b.tenant_id = :'tenant' AND b.local_date = :'day'::date AND b.status = 'sent' AND d.status = 'planned';
CREATE TEMP TABLE who ON COMMIT DROP AS
SELECT x.resident_id, COALESCE(left(pc.value_text, 3), 'unknown') AS area, 'unknown' AS health_area,
       CASE WHEN ag.value_number IS NULL THEN 'unknown' WHEN ag.value_number >= 90 THEN '90+'
            ELSE (floor(ag.value_number / 10) * 10)::int || '-' || ((floor(ag.value_number / 10) * 10)::int + 9) END AS age_band,
       CASE WHEN ag.value_number IS NULL THEN 'unknown' WHEN ag.value_number >= 65 THEN '65+' ELSE '0-64' END AS elderly,
       p.consented_at >= :from::timestamptz AND p.consented_at < :from::timestamptz + interval '1 day' AS consented
FROM (SELECT resident_id FROM day_responses UNION SELECT resident_id FROM day_followups) x
JOIN residents p ON p.id = x.resident_id
LEFT JOIN LATERAL (SELECT value_text FROM answers a WHERE a.resident_id = x.resident_id AND a.question_id = 'postal_code'
                   AND a.value_text IS NOT NULL AND a.answered_at < :from::timestamptz + interval '1 day' ORDER BY a.answered_at DESC LIMIT 1) pc ON true
LEFT JOIN LATERAL (SELECT value_number FROM answers a WHERE a.resident_id = x.resident_id AND a.question_id = 'age'
                   AND a.value_number IS NOT NULL AND a.answered_at < :from::timestamptz + interval '1 day' ORDER BY a.answered_at DESC LIMIT 1) ag ON true;
CREATE TEMP TABLE latest ON COMMIT DROP AS
SELECT DISTINCT ON (resident_id, questionnaire_id, questionnaire_version) *
FROM day_responses WHERE status IN ('completed', 'emergency') AND completed_at >= :from::timestamptz AND completed_at < :from::timestamptz + interval '1 day'
ORDER BY resident_id, questionnaire_id, questionnaire_version, completed_at DESC, id DESC;
ANALYZE day_responses; ANALYZE day_followups; ANALYZE who; ANALYZE latest;

-- Started, consented.
SELECT r.questionnaire_id, r.questionnaire_version, w.area, w.health_area, w.age_band, w.elderly,
       COUNT(DISTINCT r.resident_id), COUNT(DISTINCT r.resident_id) FILTER (WHERE w.consented)
FROM day_responses r JOIN who w USING (resident_id)
WHERE r.started_at >= :from::timestamptz AND r.started_at < :from::timestamptz + interval '1 day'
GROUP BY GROUPING SETS ((1, 2), (1, 2, 3), (1, 2, 4), (1, 2, 5), (1, 2, 6));
-- Completed, symptomatic.
SELECT l.questionnaire_id, l.questionnaire_version, w.area, w.health_area, w.age_band, w.elderly,
       COUNT(*), COUNT(*) FILTER (WHERE (l.values_json::jsonb ->> 'symptomatic') = 'true')
FROM latest l JOIN who w USING (resident_id)
GROUP BY GROUPING SETS ((1, 2), (1, 2, 3), (1, 2, 4), (1, 2, 5), (1, 2, 6));
-- Single choice and yes/no.
SELECT l.questionnaire_id, l.questionnaire_version, a.question_id, COALESCE(a.value_text, a.value_bool::text), w.area, w.health_area, w.age_band, w.elderly, COUNT(*)
FROM latest l JOIN who w USING (resident_id) JOIN answers a ON a.response_id = l.id
WHERE a.question_id IN ('fever', 'fatigue', 'sex', 'occupation', 'fever_now', 'fatigue_now', 'breathless_at_rest', 'change') AND (a.value_text IS NOT NULL OR a.value_bool IS NOT NULL)
GROUP BY GROUPING SETS ((1, 2, 3, 4), (1, 2, 3, 4, 5), (1, 2, 3, 4, 6), (1, 2, 3, 4, 7), (1, 2, 3, 4, 8));
-- Multiple choice, each option.
SELECT l.questionnaire_id, l.questionnaire_version, a.question_id, e.option, w.area, w.health_area, w.age_band, w.elderly, COUNT(*)
FROM latest l JOIN who w USING (resident_id) JOIN answers a ON a.response_id = l.id
CROSS JOIN LATERAL jsonb_array_elements_text(a.value_list::jsonb) AS e(option)
WHERE a.question_id IN ('conditions', 'behaviours') AND a.value_list IS NOT NULL
GROUP BY GROUPING SETS ((1, 2, 3, 4), (1, 2, 3, 4, 5), (1, 2, 3, 4, 6), (1, 2, 3, 4, 7), (1, 2, 3, 4, 8));
-- Advice and escalations.
SELECT r.questionnaire_id, r.questionnaire_version, k.kind, k.category, w.area, w.health_area, w.age_band, w.elderly, COUNT(DISTINCT r.resident_id)
FROM day_responses r JOIN who w USING (resident_id)
CROSS JOIN LATERAL (SELECT 'advice', unnest(string_to_array(r.advice_categories, ',')) UNION ALL SELECT 'escalation', unnest(string_to_array(r.escalations, ','))) AS k(kind, category)
WHERE r.status IN ('completed', 'emergency') AND r.completed_at >= :from::timestamptz AND r.completed_at < :from::timestamptz + interval '1 day' AND k.category <> ''
GROUP BY GROUPING SETS ((1, 2, 3, 4), (1, 2, 3, 4, 5), (1, 2, 3, 4, 6), (1, 2, 3, 4, 7), (1, 2, 3, 4, 8));
-- Drop-off by the last question answered.
SELECT r.questionnaire_id, r.questionnaire_version, COALESCE(last.question_id, '(none)'), w.area, w.health_area, w.age_band, w.elderly, COUNT(*)
FROM day_responses r JOIN who w USING (resident_id)
LEFT JOIN LATERAL (SELECT question_id FROM answers a WHERE a.response_id = r.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1) last ON true
WHERE r.status IN ('in_progress', 'abandoned') AND r.started_at >= :from::timestamptz AND r.started_at < :from::timestamptz + interval '1 day'
GROUP BY GROUPING SETS ((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 5), (1, 2, 3, 6), (1, 2, 3, 7));
-- Follow-ups: sent, answered, reminders.
SELECT f.questionnaire, w.area, w.health_area, w.age_band, w.elderly,
       COUNT(DISTINCT f.resident_id) FILTER (WHERE f.kind = 'prompt'),
       COUNT(DISTINCT f.resident_id) FILTER (WHERE f.kind = 'prompt' AND done.last_completed >= f.sent_at),
       COUNT(*) FILTER (WHERE f.kind LIKE 'reminder-%')
FROM day_followups f JOIN who w USING (resident_id)
LEFT JOIN (SELECT resident_id, questionnaire_id, MAX(completed_at) AS last_completed FROM latest GROUP BY 1, 2) done
  ON done.resident_id = f.resident_id AND done.questionnaire_id = f.questionnaire
GROUP BY GROUPING SETS ((1), (1, 2), (1, 3), (1, 4), (1, 5));
-- Numeric answers and minutes to answer: count, mean, quartiles (the job publishes no minimum or maximum).
SELECT o.questionnaire_id, o.questionnaire_version, o.measure, w.area, w.health_area, w.age_band, w.elderly,
       COUNT(*), AVG(o.x), percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY o.x)
FROM (SELECT l.questionnaire_id, l.questionnaire_version, l.resident_id, 'number:' || a.question_id AS measure, a.value_number::float8 AS x
      FROM latest l JOIN answers a ON a.response_id = l.id WHERE a.question_id IN ('age', 'body_temperature', 'spo2') AND a.value_number IS NOT NULL
      UNION ALL
      SELECT f.questionnaire, '', f.resident_id, 'answer_minutes', MIN(EXTRACT(EPOCH FROM r.completed_at - f.sent_at) / 60)
      FROM day_followups f JOIN latest r ON r.resident_id = f.resident_id AND r.questionnaire_id = f.questionnaire AND r.completed_at >= f.sent_at
      WHERE f.kind = 'prompt' GROUP BY f.questionnaire, f.resident_id) o
JOIN who w USING (resident_id)
GROUP BY GROUPING SETS ((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 5), (1, 2, 3, 6), (1, 2, 3, 7));
COMMIT;

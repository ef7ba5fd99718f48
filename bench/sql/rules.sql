-- The chain rules of DOMAIN.md §3 that SQL can state, over the typed tables of typed_sqlite.sql /
-- typed_postgres.sql / typed_duckdb.sql, in SQL that SQLite, PostgreSQL and DuckDB all run ("/"
-- is integer division: DuckDB's runner sets integer_division; it also leaves out the one-line
-- CREATE INDEX statements, which its hash joins do not read). The conditions are those of
-- rules.md (the chain engine's exact firing conditions). Reads run_params (one row: as_of as a
-- day number, as_of_month, as_of_ymd = YYYYMMDD, and the [rules] parameters); leaves every
-- finding in `findings` (rule, unit_id, person_id; person_id '' for unit-level rules).
DROP TABLE IF EXISTS findings;
DROP TABLE IF EXISTS paid_first;
DROP TABLE IF EXISTS leader_posts;
DROP TABLE IF EXISTS pay;
DROP TABLE IF EXISTS stays;
DROP TABLE IF EXISTS roster_events;
DROP TABLE IF EXISTS typed_moves;
DROP TABLE IF EXISTS hire_like;
DROP TABLE IF EXISTS death;
DROP TABLE IF EXISTS mv;

-- Each person's movements in the engine's order: effective date, then movement id.
CREATE TABLE mv AS
SELECT m.*, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY eff, movement_id) AS seq
FROM movements m;
CREATE INDEX mv_person_unit ON mv (person_id, unit_id, seq);
CREATE INDEX mv_person_kind ON mv (person_id, kind, eff);
CREATE INDEX mv_id ON mv (movement_id);

-- The earliest death of a person, from a death movement or deaths.csv.
CREATE TABLE death AS
SELECT person_id, MIN(died_on) AS died_on, MIN(died_month) AS died_month
FROM (SELECT person_id, eff AS died_on, eff_month AS died_month FROM movements WHERE kind = 'death'
      UNION ALL
      SELECT person_id, died_on, died_month FROM deaths) d
GROUP BY person_id;
CREATE INDEX death_person ON death (person_id);

-- Hires, transfers in and roster_adds with the type they fill: the cited approval's when it is
-- for the same unit, else the person's roster row in the unit, else (roster_add only) the latest
-- earlier hire into the unit citing such an approval, else the unit's one type when all its
-- quotas are of one type.
CREATE TABLE hire_like AS
SELECT m.movement_id, m.kind, m.person_id, m.unit_id, m.eff, m.eff_month, m.seq, m.approval_id,
       a.estab_type AS approval_type, r.estab_type AS roster_type
FROM mv m
LEFT JOIN approvals a ON a.approval_id = m.approval_id AND a.unit_id = m.unit_id
LEFT JOIN roster r ON r.person_id = m.person_id AND r.unit_id = m.unit_id
WHERE m.kind IN ('hire', 'transfer_in', 'roster_add');
CREATE INDEX hire_like_person ON hire_like (person_id, unit_id, seq);

CREATE TABLE typed_moves AS
SELECT h.movement_id, h.kind, h.person_id, h.unit_id, h.eff, h.eff_month, h.seq,
       COALESCE(h.approval_type, h.roster_type,
                CASE WHEN h.kind = 'roster_add' THEN
                  COALESCE((SELECT e.approval_type FROM hire_like e
                            WHERE e.person_id = h.person_id AND e.unit_id = h.unit_id AND e.kind IN ('hire', 'transfer_in')
                              AND e.approval_type IS NOT NULL AND e.eff <= h.eff
                            ORDER BY e.seq DESC LIMIT 1),
                           (SELECT MIN(q.estab_type) FROM quotas q WHERE q.unit_id = h.unit_id
                            HAVING COUNT(DISTINCT q.estab_type) = 1))
                END) AS estab_type
FROM hire_like h;
CREATE INDEX typed_moves_id ON typed_moves (movement_id);

-- Roster stays: a snapshot row from entered_on on; a roster_add opens a stay when nothing is open
-- (the event before it, if any, was a remove) and the next roster_remove of that unit closes it.
-- 99999999 stands for "still open".
CREATE TABLE roster_events AS
SELECT movement_id, person_id, unit_id, kind, eff, seq,
       LAG(kind) OVER (PARTITION BY person_id, unit_id ORDER BY seq) AS prev_kind,
       MIN(CASE WHEN kind = 'roster_remove' THEN eff END)
         OVER (PARTITION BY person_id, unit_id ORDER BY seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_remove
FROM mv
WHERE kind IN ('roster_add', 'roster_remove');

CREATE TABLE stays AS
SELECT person_id, unit_id, estab_type, entered_on AS s_from, 99999999 AS s_until,
       CAST(NULL AS TEXT) AS add_id, 0 AS from_add, 0 AS ord
FROM roster
UNION ALL
SELECT e.person_id, e.unit_id, t.estab_type, e.eff, COALESCE(e.next_remove, 99999999), e.movement_id, 1, e.seq
FROM roster_events e
JOIN typed_moves t ON t.movement_id = e.movement_id
WHERE e.kind = 'roster_add' AND (e.prev_kind IS NULL OR e.prev_kind = 'roster_remove');
CREATE INDEX stays_person ON stays (person_id, unit_id, s_from);
CREATE INDEX stays_scope ON stays (unit_id, estab_type, s_from);

-- Payroll rows up to the evaluation month, each judged once: after the person's death (CHAIN-014),
-- after an exit from the paying unit (the latest exit whose month + grace is before the row's
-- month, dated by the month's end and not followed by a hire or roster_add into the unit by then:
-- CHAIN-006), or ordinary (CHAIN-004, 009, 010, 013).
CREATE TABLE pay AS
SELECT p.person_id, p.unit_id, p.month_no, p.month_first, p.month_last,
       CASE WHEN d.died_on <= rp.as_of AND p.month_no > d.died_month + rp.payroll_grace_months THEN 1 ELSE 0 END AS after_death,
       (SELECT e.movement_id FROM mv e
        WHERE e.person_id = p.person_id AND e.unit_id = p.unit_id
          AND e.kind IN ('transfer_out', 'retire', 'resign', 'dismiss')
          AND e.eff <= p.month_last AND e.eff_month + rp.payroll_grace_months < p.month_no
          AND NOT EXISTS (SELECT 1 FROM mv h
                          WHERE h.person_id = e.person_id AND h.unit_id = e.unit_id
                            AND h.kind IN ('hire', 'transfer_in', 'roster_add') AND h.seq > e.seq
                            AND h.eff <= p.month_last)
        ORDER BY e.seq DESC LIMIT 1) AS exit_id
FROM payroll p
CROSS JOIN run_params rp
LEFT JOIN death d ON d.person_id = p.person_id
WHERE p.month_no <= rp.as_of_month;
CREATE INDEX pay_person ON pay (person_id, month_no, unit_id);

-- Leadership posts held: a snapshot row with a level and rank from entered_on on; an
-- appoint_leader until the next matching remove_leader or exit in that unit.
CREATE TABLE leader_posts AS
SELECT person_id, unit_id, leader_level AS level, leader_rank AS rank, entered_on AS l_from, 99999999 AS l_until
FROM roster
WHERE leader_level IS NOT NULL AND leader_rank IS NOT NULL
UNION ALL
SELECT a.person_id, a.unit_id, a.leader_level, a.leader_rank, a.eff,
       COALESCE((SELECT MIN(e.eff) FROM mv e
                 WHERE e.person_id = a.person_id AND e.unit_id = a.unit_id AND e.seq > a.seq
                   AND (e.kind IN ('transfer_out', 'retire', 'resign', 'dismiss', 'death')
                        OR (e.kind = 'remove_leader'
                            AND (e.leader_level IS NULL OR e.leader_level = a.leader_level)
                            AND (e.leader_rank IS NULL OR e.leader_rank = a.leader_rank)))), 99999999)
FROM mv a
WHERE a.kind = 'appoint_leader' AND a.leader_level IS NOT NULL AND a.leader_rank IS NOT NULL;

-- The first ordinary paid month of each person and paying unit (CHAIN-009 names the later payer).
CREATE TABLE paid_first AS
SELECT person_id, unit_id, MIN(month_no) AS first_month FROM pay
WHERE after_death = 0 AND exit_id IS NULL
GROUP BY person_id, unit_id;
CREATE INDEX paid_first_key ON paid_first (person_id, unit_id);

-- Fresh statistics for the planner over the tables just built.
ANALYZE mv;
ANALYZE death;
ANALYZE hire_like;
ANALYZE typed_moves;
ANALYZE stays;
ANALYZE pay;
ANALYZE leader_posts;
ANALYZE paid_first;

CREATE TABLE findings (rule TEXT, unit_id TEXT, person_id TEXT);

-- CHAIN-001: a hire or transfer in without a valid approval; valid uses consume the approval's
-- slots in (effective date, movement id) order.
INSERT INTO findings
SELECT 'CHAIN-001', u.unit_id, u.person_id
FROM (SELECT h.unit_id, h.person_id, h.slots, h.static_ok,
             ROW_NUMBER() OVER (PARTITION BY h.static_ok, h.approval_id ORDER BY h.eff, h.movement_id) AS use_no
      FROM (SELECT m.movement_id, m.unit_id, m.person_id, m.eff, m.approval_id, a.slots,
                   CASE WHEN a.approval_id IS NOT NULL AND a.unit_id = m.unit_id
                             AND (r.estab_type IS NULL OR r.estab_type = a.estab_type)
                             AND m.eff >= a.issued_on AND m.eff <= a.valid_until
                        THEN 1 ELSE 0 END AS static_ok
            FROM mv m
            CROSS JOIN run_params rp
            LEFT JOIN approvals a ON a.approval_id = m.approval_id
            LEFT JOIN roster r ON r.person_id = m.person_id AND r.unit_id = m.unit_id
            WHERE m.kind IN ('hire', 'transfer_in') AND m.eff <= rp.as_of) h) u
WHERE u.static_ok = 0 OR u.use_no > u.slots;

-- CHAIN-002 (hire) and CHAIN-008 (transfer in): no vacancy in the unit/type on the effective
-- date: the latest quota then, minus the other persons on that unit/type's roster then.
INSERT INTO findings
SELECT CASE WHEN t.kind = 'hire' THEN 'CHAIN-002' ELSE 'CHAIN-008' END, t.unit_id, t.person_id
FROM typed_moves t
CROSS JOIN run_params rp
WHERE t.kind IN ('hire', 'transfer_in') AND t.eff <= rp.as_of AND t.estab_type IS NOT NULL
  AND COALESCE((SELECT q.approved FROM quotas q
                WHERE q.unit_id = t.unit_id AND q.estab_type = t.estab_type AND q.effective_from <= t.eff
                ORDER BY q.effective_from DESC LIMIT 1), 0)
      - (SELECT COUNT(DISTINCT s.person_id) FROM stays s
         WHERE s.unit_id = t.unit_id AND s.estab_type = t.estab_type AND s.s_from <= t.eff AND t.eff < s.s_until
           AND s.person_id <> t.person_id) <= 0;

-- CHAIN-003: a hire or transfer in past the roster deadline with no stay in the unit since.
INSERT INTO findings
SELECT 'CHAIN-003', m.unit_id, m.person_id
FROM mv m
CROSS JOIN run_params rp
WHERE m.kind IN ('hire', 'transfer_in') AND m.eff <= rp.as_of AND rp.as_of > m.eff + rp.roster_after_hire_days
  AND NOT EXISTS (SELECT 1 FROM stays s
                  WHERE s.person_id = m.person_id AND s.unit_id = m.unit_id AND s.s_from <= rp.as_of AND m.eff < s.s_until);

-- CHAIN-004: pay for a month with no stay anywhere, or a pay_start on a day with none; one per
-- person and paying unit.
INSERT INTO findings
SELECT DISTINCT 'CHAIN-004', x.unit_id, x.person_id
FROM (SELECT o.unit_id, o.person_id FROM pay o
      WHERE o.after_death = 0 AND o.exit_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM stays s
                        WHERE s.person_id = o.person_id AND s.s_from <= o.month_last AND o.month_first < s.s_until)
      UNION ALL
      SELECT m.unit_id, m.person_id FROM mv m CROSS JOIN run_params rp
      WHERE m.kind = 'pay_start' AND m.eff <= rp.as_of
        AND NOT EXISTS (SELECT 1 FROM stays s
                        WHERE s.person_id = m.person_id AND s.s_from <= m.eff AND m.eff < s.s_until)) x;

-- CHAIN-005: the latest exit from a unit past its deadline, the person still on that unit's
-- roster, not hired back, not dead.
INSERT INTO findings
SELECT 'CHAIN-005', e.unit_id, e.person_id
FROM (SELECT m.person_id, m.unit_id, m.eff,
             ROW_NUMBER() OVER (PARTITION BY m.person_id, m.unit_id ORDER BY m.seq DESC) AS newest
      FROM mv m CROSS JOIN run_params rp
      WHERE m.kind IN ('transfer_out', 'retire', 'resign', 'dismiss') AND m.eff <= rp.as_of) e
CROSS JOIN run_params rp
WHERE e.newest = 1 AND rp.as_of > e.eff + rp.roster_after_exit_days
  AND NOT EXISTS (SELECT 1 FROM death d WHERE d.person_id = e.person_id AND d.died_on <= rp.as_of)
  AND NOT EXISTS (SELECT 1 FROM mv h
                  WHERE h.person_id = e.person_id AND h.unit_id = e.unit_id AND h.kind IN ('hire', 'transfer_in')
                    AND h.eff > e.eff AND h.eff <= rp.as_of)
  AND EXISTS (SELECT 1 FROM stays s
              WHERE s.person_id = e.person_id AND s.unit_id = e.unit_id AND s.s_from <= rp.as_of AND rp.as_of < s.s_until);

-- CHAIN-006: pay by the unit left after the exit month + grace; one per exit.
INSERT INTO findings
SELECT 'CHAIN-006', g.unit_id, g.person_id
FROM (SELECT DISTINCT exit_id, unit_id, person_id FROM pay WHERE after_death = 0 AND exit_id IS NOT NULL) g;

-- CHAIN-007: more persons holding a unit/level/rank post on as_of than approved.
INSERT INTO findings
SELECT 'CHAIN-007', h.unit_id, ''
FROM (SELECT l.unit_id, l.level, l.rank, COUNT(DISTINCT l.person_id) AS held
      FROM leader_posts l CROSS JOIN run_params rp
      WHERE l.l_from <= rp.as_of AND rp.as_of < l.l_until
      GROUP BY l.unit_id, l.level, l.rank) h
LEFT JOIN leader_quotas q ON q.unit_id = h.unit_id AND q.level = h.level AND q.rank = h.rank
WHERE h.held > COALESCE(q.approved, 0);

-- CHAIN-009: two units paying the person for the same month; one per unit pair, naming the
-- unit that began paying later (the larger id on a tie).
INSERT INTO findings
SELECT 'CHAIN-009', CASE WHEN fa.first_month > fb.first_month THEN pr.unit_a ELSE pr.unit_b END, pr.person_id
FROM (SELECT DISTINCT a.person_id, a.unit_id AS unit_a, b.unit_id AS unit_b
      FROM (SELECT person_id, month_no FROM pay
            WHERE after_death = 0 AND exit_id IS NULL
            GROUP BY person_id, month_no
            HAVING COUNT(DISTINCT unit_id) > 1) shared
      JOIN pay a ON a.person_id = shared.person_id AND a.month_no = shared.month_no
      JOIN pay b ON b.person_id = shared.person_id AND b.month_no = shared.month_no AND b.unit_id > a.unit_id
      WHERE a.after_death = 0 AND a.exit_id IS NULL AND b.after_death = 0 AND b.exit_id IS NULL) pr
JOIN paid_first fa ON fa.person_id = pr.person_id AND fa.unit_id = pr.unit_a
JOIN paid_first fb ON fb.person_id = pr.person_id AND fb.unit_id = pr.unit_b;

-- CHAIN-010: pay by a unit for a month the person spent only on other units' rosters.
INSERT INTO findings
SELECT DISTINCT 'CHAIN-010', o.unit_id, o.person_id
FROM pay o
WHERE o.after_death = 0 AND o.exit_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM stays s
                  WHERE s.person_id = o.person_id AND s.unit_id = o.unit_id
                    AND s.s_from <= o.month_last AND o.month_first < s.s_until)
  AND EXISTS (SELECT 1 FROM stays s
              WHERE s.person_id = o.person_id AND s.unit_id <> o.unit_id
                AND s.s_from <= o.month_last AND o.month_first < s.s_until);

-- CHAIN-011: a stay on as_of whose establishment type does not fit the unit's kind.
INSERT INTO findings
SELECT 'CHAIN-011', k.unit_id, k.person_id
FROM (SELECT DISTINCT s.unit_id, s.person_id, s.estab_type
      FROM stays s
      JOIN units u ON u.unit_id = s.unit_id
      CROSS JOIN run_params rp
      WHERE s.s_from <= rp.as_of AND rp.as_of < s.s_until
        AND ((u.kind = 'organ' AND s.estab_type = 'institution')
             OR (u.kind IN ('public_welfare_1', 'public_welfare_2', 'business')
                 AND s.estab_type IN ('admin', 'political_legal')))) k;

-- CHAIN-012: more persons on a unit/type's roster on as_of than its quota then.
INSERT INTO findings
SELECT 'CHAIN-012', o.unit_id, ''
FROM (SELECT s.unit_id, s.estab_type, COUNT(DISTINCT s.person_id) AS on_roster
      FROM stays s CROSS JOIN run_params rp
      WHERE s.estab_type IS NOT NULL AND s.s_from <= rp.as_of AND rp.as_of < s.s_until
      GROUP BY s.unit_id, s.estab_type) o
CROSS JOIN run_params rp
WHERE o.on_roster > COALESCE((SELECT q.approved FROM quotas q
                              WHERE q.unit_id = o.unit_id AND q.estab_type = o.estab_type
                                AND q.effective_from <= rp.as_of
                              ORDER BY q.effective_from DESC LIMIT 1), 0);

-- CHAIN-013: past the statutory age (from the citizen id's birth date and sex), no retirement,
-- not dead, and still on a roster nobody has left in fact, or paid for as_of's month or the one
-- before (for a month after the age was reached, and not after an exit).
INSERT INTO findings
SELECT 'CHAIN-013',
       COALESCE((SELECT s.unit_id FROM stays s
                 WHERE s.person_id = c.person_id AND s.s_from <= rp.as_of AND rp.as_of < s.s_until
                   AND COALESCE((SELECT CASE WHEN x.kind IN ('transfer_out', 'retire', 'resign', 'dismiss', 'death')
                                             THEN 1 ELSE 0 END
                                 FROM mv x
                                 WHERE x.person_id = s.person_id AND x.unit_id = s.unit_id
                                   AND x.eff >= s.s_from AND x.eff <= rp.as_of
                                   AND x.kind IN ('transfer_out', 'retire', 'resign', 'dismiss', 'death',
                                                  'hire', 'transfer_in')
                                 ORDER BY x.seq DESC LIMIT 1), 0) = 0
                 ORDER BY s.from_add, s.ord, s.unit_id LIMIT 1),
                (SELECT p.unit_id FROM pay p
                 WHERE p.person_id = c.person_id AND p.month_no >= rp.as_of_month - 1
                   AND p.month_no > c.reached_month AND p.exit_id IS NULL
                 ORDER BY p.month_no DESC, p.unit_id DESC LIMIT 1)),
       c.person_id
FROM (SELECT a.person_id, a.reached_month,
             (a.reached_month / 12) * 10000 + (a.reached_month % 12 + 1) * 100 +
               CASE WHEN a.born_day <= 28 THEN a.born_day
                    WHEN a.reached_month % 12 + 1 = 2 THEN
                      CASE WHEN ((a.reached_month / 12) % 4 = 0 AND (a.reached_month / 12) % 100 <> 0)
                                OR (a.reached_month / 12) % 400 = 0 THEN 29 ELSE 28 END
                    WHEN a.reached_month % 12 + 1 IN (4, 6, 9, 11) AND a.born_day = 31 THEN 30
                    ELSE a.born_day END AS reached_ymd
      FROM (SELECT b.person_id, b.born_day,
                   b.born_month + CASE WHEN b.male = 1 THEN rp.retire_months_male ELSE rp.retire_months_female END
                     AS reached_month
            FROM (SELECT i.person_id,
                         CAST(substr(i.person_id, 7, 4) AS INTEGER) * 12 + CAST(substr(i.person_id, 11, 2) AS INTEGER) - 1
                           AS born_month,
                         CAST(substr(i.person_id, 13, 2) AS INTEGER) AS born_day,
                         CAST(substr(i.person_id, 17, 1) AS INTEGER) % 2 AS male
                  FROM (SELECT person_id FROM stays UNION SELECT person_id FROM pay) i
                  WHERE length(i.person_id) = 18) b
            CROSS JOIN run_params rp) a) c
CROSS JOIN run_params rp
WHERE rp.as_of_ymd > c.reached_ymd
  AND NOT EXISTS (SELECT 1 FROM death d WHERE d.person_id = c.person_id AND d.died_on <= rp.as_of)
  AND NOT EXISTS (SELECT 1 FROM mv r WHERE r.person_id = c.person_id AND r.kind = 'retire' AND r.eff <= rp.as_of)
  AND (EXISTS (SELECT 1 FROM stays s
               WHERE s.person_id = c.person_id AND s.s_from <= rp.as_of AND rp.as_of < s.s_until
                 AND COALESCE((SELECT CASE WHEN x.kind IN ('transfer_out', 'retire', 'resign', 'dismiss', 'death')
                                           THEN 1 ELSE 0 END
                               FROM mv x
                               WHERE x.person_id = s.person_id AND x.unit_id = s.unit_id
                                 AND x.eff >= s.s_from AND x.eff <= rp.as_of
                                 AND x.kind IN ('transfer_out', 'retire', 'resign', 'dismiss', 'death',
                                                'hire', 'transfer_in')
                               ORDER BY x.seq DESC LIMIT 1), 0) = 0)
       OR EXISTS (SELECT 1 FROM pay p
                  WHERE p.person_id = c.person_id AND p.month_no >= rp.as_of_month - 1
                    AND p.month_no > c.reached_month AND p.exit_id IS NULL));

-- CHAIN-014: a death on or before as_of, and the person still on a roster past the exit
-- deadline, or paid for a month after the death month + grace. Names the unit of the earliest
-- stay on as_of, else that of the first such pay row.
INSERT INTO findings
SELECT 'CHAIN-014', COALESCE(z.stay_unit, z.pay_unit), z.person_id
FROM (SELECT d.person_id,
             CASE WHEN rp.as_of > d.died_on + rp.roster_after_exit_days THEN
               (SELECT s.unit_id FROM stays s
                WHERE s.person_id = d.person_id AND s.s_from <= rp.as_of AND rp.as_of < s.s_until
                ORDER BY s.s_from, s.unit_id LIMIT 1)
             END AS stay_unit,
             (SELECT p.unit_id FROM pay p WHERE p.person_id = d.person_id AND p.after_death = 1
              ORDER BY p.month_no, p.unit_id LIMIT 1) AS pay_unit
      FROM death d CROSS JOIN run_params rp
      WHERE d.died_on <= rp.as_of) z
WHERE z.stay_unit IS NOT NULL OR z.pay_unit IS NOT NULL;

-- CHAIN-015: a secondment past its maximum with no return of the person since.
INSERT INTO findings
SELECT 'CHAIN-015', m.unit_id, m.person_id
FROM mv m
CROSS JOIN run_params rp
WHERE m.kind = 'second_out' AND m.eff <= rp.as_of AND rp.as_of > m.eff + rp.secondment_max_days
  AND NOT EXISTS (SELECT 1 FROM mv r
                  WHERE r.person_id = m.person_id AND r.kind = 'second_return' AND r.eff >= m.eff AND r.eff <= rp.as_of);

-- CHAIN-017: a roster_add whose stay outlasts the pay deadline, with no pay row of any unit from
-- its month to as_of's and no pay_start since.
INSERT INTO findings
SELECT 'CHAIN-017', s.unit_id, s.person_id
FROM stays s
JOIN mv m ON m.movement_id = s.add_id
CROSS JOIN run_params rp
WHERE s.from_add = 1 AND m.eff <= rp.as_of AND rp.as_of > m.eff + rp.pay_after_roster_days
  AND s.s_until > m.eff + rp.pay_after_roster_days
  AND NOT EXISTS (SELECT 1 FROM payroll p
                  WHERE p.person_id = s.person_id AND p.month_no >= m.eff_month AND p.month_no <= rp.as_of_month)
  AND NOT EXISTS (SELECT 1 FROM mv x
                  WHERE x.person_id = s.person_id AND x.kind = 'pay_start' AND x.eff >= m.eff AND x.eff <= rp.as_of);

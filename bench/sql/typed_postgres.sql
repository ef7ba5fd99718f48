-- PostgreSQL: the typed tables the rules read, built from the raw_* text tables; the same
-- tables, columns and filters as typed_sqlite.sql (dates as day numbers since 1970-01-01, months
-- as year * 12 + month - 1), so rules.sql runs unchanged on both.
CREATE OR REPLACE FUNCTION day_no(t text) RETURNS integer LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN t ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$' THEN t::date - DATE '1970-01-01' END $$;
DROP TABLE IF EXISTS units;
DROP TABLE IF EXISTS quotas;
DROP TABLE IF EXISTS leader_quotas;
DROP TABLE IF EXISTS approvals;
DROP TABLE IF EXISTS roster;
DROP TABLE IF EXISTS movements;
DROP TABLE IF EXISTS payroll;
DROP TABLE IF EXISTS deaths;

CREATE TABLE units AS
SELECT unit_id, kind FROM raw_units
WHERE kind IN ('organ', 'civil_service_managed', 'public_welfare_1', 'public_welfare_2', 'business');

CREATE TABLE quotas AS
SELECT unit_id, estab_type, CAST(approved AS INTEGER) AS approved,
       day_no(effective_from) AS effective_from
FROM raw_quotas
WHERE estab_type IN ('admin', 'political_legal', 'institution', 'service', 'veteran_cadre')
  AND day_no(effective_from) IS NOT NULL;

CREATE TABLE leader_quotas AS
SELECT unit_id, level, rank, CAST(approved AS INTEGER) AS approved FROM raw_leader_quotas
WHERE level IN ('county', 'township') AND rank IN ('chief', 'deputy');

CREATE TABLE approvals AS
SELECT approval_id, unit_id, estab_type, CAST(slots AS INTEGER) AS slots,
       day_no(issued_on) AS issued_on,
       day_no(valid_until) AS valid_until
FROM raw_approvals
WHERE estab_type IN ('admin', 'political_legal', 'institution', 'service', 'veteran_cadre')
  AND day_no(issued_on) IS NOT NULL AND day_no(valid_until) IS NOT NULL;

CREATE TABLE roster AS
SELECT person_id, unit_id, estab_type, day_no(entered_on) AS entered_on,
       NULLIF(leader_level, '') AS leader_level, NULLIF(leader_rank, '') AS leader_rank
FROM raw_roster
WHERE estab_type IN ('admin', 'political_legal', 'institution', 'service', 'veteran_cadre')
  AND day_no(entered_on) IS NOT NULL;

CREATE TABLE movements AS
SELECT movement_id, kind, person_id, unit_id, NULLIF(approval_id, '') AS approval_id,
       NULLIF(leader_level, '') AS leader_level, NULLIF(leader_rank, '') AS leader_rank,
       day_no(effective_on) AS eff,
       CAST(substr(effective_on, 1, 4) AS INTEGER) * 12 + CAST(substr(effective_on, 6, 2) AS INTEGER) - 1 AS eff_month
FROM raw_movements
WHERE kind IN ('hire', 'transfer_in', 'transfer_out', 'retire', 'resign', 'dismiss', 'death', 'appoint_leader',
               'remove_leader', 'second_out', 'second_return', 'roster_add', 'roster_remove', 'pay_start', 'pay_stop')
  AND day_no(effective_on) IS NOT NULL;

CREATE TABLE payroll AS
SELECT person_id, unit_id,
       CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS month_no,
       day_no(month || '-01') AS month_first,
       day_no(month || '-01') + ((to_date(month || '-01', 'YYYY-MM-DD') + interval '1 month')::date - to_date(month || '-01', 'YYYY-MM-DD')) - 1 AS month_last
FROM raw_payroll
WHERE length(month) = 7 AND day_no(month || '-01') IS NOT NULL;

CREATE TABLE deaths AS
SELECT person_id, day_no(died_on) AS died_on,
       CAST(substr(died_on, 1, 4) AS INTEGER) * 12 + CAST(substr(died_on, 6, 2) AS INTEGER) - 1 AS died_month
FROM raw_deaths
WHERE day_no(died_on) IS NOT NULL;

CREATE INDEX movements_person ON movements (person_id, unit_id, eff, movement_id);
CREATE INDEX movements_kind ON movements (kind, unit_id);
CREATE INDEX movements_approval ON movements (approval_id);
CREATE INDEX roster_person ON roster (person_id, unit_id);
CREATE INDEX roster_unit ON roster (unit_id, estab_type);
CREATE INDEX payroll_person ON payroll (person_id, month_no, unit_id);
CREATE INDEX payroll_unit ON payroll (unit_id, month_no);
CREATE UNIQUE INDEX approvals_id ON approvals (approval_id);
CREATE INDEX quotas_scope ON quotas (unit_id, estab_type, effective_from);
CREATE INDEX leader_quotas_key ON leader_quotas (unit_id, level, rank);
CREATE UNIQUE INDEX units_id ON units (unit_id);
CREATE INDEX deaths_person ON deaths (person_id);
ANALYZE units;
ANALYZE quotas;
ANALYZE leader_quotas;
ANALYZE approvals;
ANALYZE roster;
ANALYZE movements;
ANALYZE payroll;
ANALYZE deaths;

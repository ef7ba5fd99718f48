-- DuckDB: the typed tables the rules read, built from the raw_* text tables that read_csv filled;
-- the same tables, columns and filters as typed_postgres.sql (dates as day numbers since
-- 1970-01-01, months as year * 12 + month - 1), so rules.sql runs on all three. A date that has
-- the right shape but is not on the calendar (2026-02-30) is left out, as the loader leaves it out.
CREATE OR REPLACE MACRO day_no(t) AS
  CASE WHEN regexp_full_match(t, '\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])')
       THEN CAST(TRY_CAST(t AS DATE) - DATE '1970-01-01' AS INTEGER) END;
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
       CAST(last_day(TRY_CAST(month || '-01' AS DATE)) - DATE '1970-01-01' AS INTEGER) AS month_last
FROM raw_payroll
WHERE length(month) = 7 AND day_no(month || '-01') IS NOT NULL;

CREATE TABLE deaths AS
SELECT person_id, day_no(died_on) AS died_on,
       CAST(substr(died_on, 1, 4) AS INTEGER) * 12 + CAST(substr(died_on, 6, 2) AS INTEGER) - 1 AS died_month
FROM raw_deaths
WHERE day_no(died_on) IS NOT NULL;

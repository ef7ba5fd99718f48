-- The canonical CSV files as they come, every column text; the typed tables are built from these.
DROP TABLE IF EXISTS raw_units;
DROP TABLE IF EXISTS raw_quotas;
DROP TABLE IF EXISTS raw_leader_quotas;
DROP TABLE IF EXISTS raw_approvals;
DROP TABLE IF EXISTS raw_roster;
DROP TABLE IF EXISTS raw_movements;
DROP TABLE IF EXISTS raw_payroll;
DROP TABLE IF EXISTS raw_deaths;
CREATE TABLE raw_units (unit_id TEXT, name TEXT, region TEXT, parent_id TEXT, kind TEXT, funding TEXT);
CREATE TABLE raw_quotas (unit_id TEXT, estab_type TEXT, approved TEXT, effective_from TEXT, doc_no TEXT);
CREATE TABLE raw_leader_quotas (unit_id TEXT, level TEXT, rank TEXT, approved TEXT);
CREATE TABLE raw_approvals (approval_id TEXT, unit_id TEXT, estab_type TEXT, slots TEXT, issued_on TEXT,
                            valid_until TEXT, purpose TEXT);
CREATE TABLE raw_roster (person_id TEXT, name TEXT, unit_id TEXT, estab_type TEXT, entered_on TEXT, approval_id TEXT,
                         leader_level TEXT, leader_rank TEXT);
CREATE TABLE raw_movements (movement_id TEXT, source TEXT, kind TEXT, person_id TEXT, name TEXT, unit_id TEXT,
                            from_unit_id TEXT, effective_on TEXT, recorded_on TEXT, approval_id TEXT,
                            leader_level TEXT, leader_rank TEXT);
CREATE TABLE raw_payroll (person_id TEXT, unit_id TEXT, month TEXT, funding TEXT, gross TEXT);
CREATE TABLE raw_deaths (person_id TEXT, died_on TEXT, source TEXT);

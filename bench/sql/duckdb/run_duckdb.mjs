// The DuckDB engine of the SQL baseline (bench/sql/run_baseline.sh --engine duckdb). An
// in-memory DuckDB with its defaults (a thread per core, 80 % of the memory): the canonical CSV
// files loaded with read_csv into the raw_* text tables of schema_raw.sql, the typed tables of
// typed_duckdb.sql, then the run's parameters and the shared rules.sql. Prints the findings as
// "rule,unit_id,person_id" lines, sorted.
//
//   node run_duckdb.mjs --data DIR --params-sql SQL [--loaded-at FILE]
//
// --params-sql is the statement run_baseline.sh builds (the run_params table); --loaded-at FILE
// receives the time (seconds since the epoch) at which the typed tables were ready, so that the
// script splits its load and query seconds at the same point as for the other engines.
//
// Two things differ from SQLite and PostgreSQL, both set here and nowhere in the shared SQL:
// - integer_division: DuckDB's "/" on two integers divides as reals unless this is set, and
//   rules.sql is written for the integer division of the other two (CHAIN-013 takes the year of
//   a month number as month / 12);
// - rules.sql's CREATE INDEX lines are left out: DuckDB joins by hashing and never reads an ART
//   index for these queries (EXPLAIN shows sequential scans and hash joins with or without them),
//   so building them would only add time to its queries.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const sqlDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tables = ['units', 'quotas', 'leader_quotas', 'approvals', 'roster', 'movements', 'payroll', 'deaths'];

function parseArgs(argv) {
  const args = { data: '', paramsSql: '', loadedAt: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--data') args.data = value;
    else if (name === '--params-sql') args.paramsSql = value;
    else if (name === '--loaded-at') args.loadedAt = value;
    else throw new Error(`unexpected argument "${name}"`);
  }
  if (!args.data || !args.paramsSql) throw new Error('--data and --params-sql are required');
  return args;
}

const sqlText = (name) => readFileSync(join(sqlDir, name), 'utf8');
const quoted = (text) => `'${text.replaceAll("'", "''")}'`;
const epochSeconds = () => ((performance.timeOrigin + performance.now()) / 1000).toFixed(6);

// rules.sql without its CREATE INDEX statements (one line each there).
const rulesWithoutIndexes = () => sqlText('rules.sql').replace(/^CREATE (UNIQUE )?INDEX [^;\n]*;\n/gm, '');

// Runs a script statement by statement, so that an error names the statement that failed.
async function runScript(connection, name, text) {
  let statements;
  try {
    statements = await connection.extractStatements(text);
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
  for (let i = 0; i < statements.count; i++) {
    let prepared;
    try {
      prepared = await statements.prepare(i);
      await prepared.run();
    } catch (error) {
      throw new Error(`${name}, statement ${i + 1}: ${error.message}`);
    } finally {
      prepared?.destroySync();
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // autoinstall_known_extensions off: nothing is fetched at run time (read_csv and everything
  // the rules use are in DuckDB itself).
  const instance = await DuckDBInstance.create(':memory:', {
    integer_division: 'true',
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();

  await runScript(connection, 'schema_raw.sql', sqlText('schema_raw.sql'));
  for (const table of tables) {
    const file = join(args.data, `${table}.csv`);
    if (!existsSync(file)) continue;
    // Every column as text, as the other engines' raw tables hold it, in the file's column order
    // (as COPY reads it); the typed tables do the rest.
    await runScript(
      connection,
      `${table}.csv`,
      `INSERT INTO raw_${table} SELECT * FROM read_csv(${quoted(file)}, header = true, delim = ',', quote = '"', ` +
        `escape = '"', all_varchar = true)`,
    );
  }
  await runScript(connection, 'typed_duckdb.sql', sqlText('typed_duckdb.sql'));
  if (args.loadedAt) writeFileSync(args.loadedAt, `${epochSeconds()}\n`);

  await runScript(connection, 'run_params', args.paramsSql);
  await runScript(connection, 'rules.sql', rulesWithoutIndexes());
  const reader = await connection.runAndReadAll(
    'SELECT rule, unit_id, person_id FROM findings ORDER BY rule, unit_id, person_id',
  );
  const lines = reader.getRows().map((row) => row.map((cell) => cell ?? '').join(','));
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  connection.closeSync();
  instance.closeSync();
}

main().catch((error) => {
  process.stderr.write(`run_duckdb.mjs: ${error.message}\n`);
  process.exitCode = 1;
});

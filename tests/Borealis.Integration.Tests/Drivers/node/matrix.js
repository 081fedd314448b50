// The driver contract through Node's mysql2: type-matrix.json round trips, a rollback, a duplicate key.
// Usage: node matrix.js FIXTURE PORT PASSWORD execute|query. Prints the report TypeMatrix.cs checks.
// "execute" uses server-side prepared statements (binary protocol), "query" mysql2's client-side escaping.
// Values: Number (BigInt beyond 2^53), boolean, Buffer, strings for DECIMAL (mysql2 reads them as strings) and for
// DATE/DATETIME/TIME (a JS Date has no microseconds and no year-1000 safety; dateStrings reads them back as text).
'use strict';
const fs = require('fs');
const mysql = require('mysql2/promise');

const [fixture, port, password, mode] = process.argv.slice(2);
const columns = JSON.parse(fs.readFileSync(fixture, 'utf8')).columns;

function toParam(kind, text) {
  switch (kind) {
    case 'int': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    case 'bool': return text === '1';
    case 'float':
    case 'double': return Number(text);
    case 'bytes': return Buffer.from(text, 'hex');
    default: return text;
  }
}

function canonical(kind, v) {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return kind === 'int' ? BigInt('0x' + (v.toString('hex') || '0')).toString() : v.toString('hex');
  if (kind === 'json') return JSON.stringify(v); // mysql2 parses JSON columns
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

function describe(e) {
  return e && e.errno ? `${e.errno}: ${e.message}` : `${e && e.name}: ${e && e.message}`;
}

async function main() {
  const conn = await mysql.createConnection({
    host: '127.0.0.1', port: Number(port), user: 'admin', password, charset: 'utf8mb4',
    supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  });
  const run = (sql, params) => (mode === 'execute' ? conn.execute(sql, params) : conn.query(sql, params));
  await conn.query('CREATE DATABASE matrix');
  await conn.changeUser({ database: 'matrix' });

  const types = {};
  for (const column of columns) {
    try {
      types[column.name] = await runColumn(run, conn, column);
    } catch (e) {
      types[column.name] = { error: describe(e) };
    }
  }
  const report = {
    driver: `mysql2 ${require('mysql2/package.json').version} (${mode})`,
    types,
    transaction: await guarded(() => rollback(run, conn)),
    duplicate: await guarded(() => duplicate(run)),
  };
  await conn.end();
  process.stdout.write(JSON.stringify(report));
}

async function guarded(part) {
  try {
    return await part();
  } catch (e) {
    return { error: describe(e) };
  }
}

async function runColumn(run, conn, column) {
  const table = 't_' + column.name;
  const values = column.values;
  await conn.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, v ${column.type})`);
  for (let i = 0; i <= values.length; i++) {
    const value = i < values.length ? toParam(column.kind, values[i]) : null;
    await run(`INSERT INTO ${table} (id, v) VALUES (?, ?)`, [i + 1, value]);
  }
  const result = { values: [] };
  for (let i = 0; i <= values.length; i++) {
    const [rows] = await run(`SELECT v FROM ${table} WHERE id = ?`, [i + 1]);
    result.values.push(rows.length ? canonical(column.kind, rows[0].v) : '(no row)');
  }
  if (column.lookup) {
    result.lookup = [];
    for (const text of values) {
      const [rows] = await run(`SELECT id FROM ${table} WHERE v = ? ORDER BY id`, [toParam(column.kind, text)]);
      result.lookup.push(rows.map((r) => r.id));
    }
  }
  if (column.unsupported) {
    try {
      await run(`INSERT INTO ${table} (id, v) VALUES (1000, ?)`, [toParam(column.kind, column.unsupported.value)]);
      const [rows] = await run(`SELECT v FROM ${table} WHERE id = 1000`, []);
      result.unsupported = 'stored, read back as ' + canonical(column.kind, rows[0].v);
    } catch (e) {
      result.unsupported = e.errno || describe(e);
    }
  }
  return result;
}

async function rollback(run, conn) {
  await conn.query('CREATE TABLE tx (id INT PRIMARY KEY, v VARCHAR(20))');
  await run('INSERT INTO tx (id, v) VALUES (?, ?)', [1, 'kept']);
  await conn.beginTransaction();
  for (const id of [2, 3]) await run('INSERT INTO tx (id, v) VALUES (?, ?)', [id, 'rolled back']);
  const [[{ n }]] = await run('SELECT COUNT(*) AS n FROM tx', []);
  await conn.rollback();
  const [rows] = await run('SELECT id FROM tx ORDER BY id', []);
  return { inside: Number(n), after: rows.map((r) => r.id) };
}

async function duplicate(run) {
  const result = {};
  try {
    await run('INSERT INTO tx (id, v) VALUES (?, ?)', [1, 'again']);
    result.error = 'no error for a duplicate key';
  } catch (e) {
    result.code = e.errno;
    result.sqlstate = e.sqlState;
    result.name = e.code;
  }
  const [rows] = await run('SELECT v FROM tx WHERE id = ?', [1]);
  result.after = rows[0].v;
  return result;
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(1);
});

// A real `kefu serve --demo` for the browser tests: on a fresh embedded
// database in a temporary data folder, or on a fresh schema of PostgreSQL
// when KEFU_E2E_DATABASE=postgres.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_PASSWORD = 'e2e-admin-pass';
/** The password of every demo login but admin. */
export const DEMO_PASSWORD = 'kefu-demo';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** A debug build migrates and fills the demo group in a few seconds. */
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING = /^kefu \S+ listening on (http:\/\/\S+)\s*$/;

export function kefuBin() {
  return resolve(REPO_ROOT, process.env.KEFU_BIN || 'target/debug/kefu');
}

/** `postgres` when the suite runs on PostgreSQL, else `sqlite`. */
export function databaseKind() {
  const kind = (process.env.KEFU_E2E_DATABASE || 'sqlite').toLowerCase();
  if (kind === 'postgres' || kind === 'postgresql' || kind === 'pg') return 'postgres';
  if (kind === 'sqlite') return 'sqlite';
  throw new Error(`KEFU_E2E_DATABASE is ${kind}: use sqlite or postgres`);
}

function psql(url, sql) {
  execFileSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', url, '-c', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** A fresh schema on the test database; its URL selects it by search_path. */
function freshSchema() {
  const base = process.env.KEFU_TEST_DATABASE_URL || DEFAULT_DATABASE_URL;
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  psql(base, `CREATE SCHEMA ${schema}`);
  const sep = base.includes('?') ? '&' : '?';
  return {
    schema,
    url: `${base}${sep}options=-c%20search_path%3D${schema}`,
    drop: () => psql(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

/**
 * Start `kefu serve --demo --listen 127.0.0.1:0` and wait for its
 * `listening on` line. Returns `{ base, database, stop, output }`.
 */
export async function startServer() {
  const database = databaseKind();
  const data = mkdtempSync(join(tmpdir(), 'kefu-e2e-'));
  const pg = database === 'postgres' ? freshSchema() : null;
  const args = ['serve', '--demo', '--listen', '127.0.0.1:0', '--data', data];
  if (pg) args.push('--database-url', pg.url);

  // None of the caller's KEFU_* settings reach the server, but its log filter.
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('KEFU_') || k === 'KEFU_LOG') env[k] = v;
  }
  env.KEFU_ADMIN_PASSWORD = ADMIN_PASSWORD;
  if (!env.KEFU_LOG) env.KEFU_LOG = 'warn';

  const bin = kefuBin();
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    stderr += s;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  child.stdout.setEncoding('utf8');

  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const cleanup = () => {
    process.off('exit', killOnExit);
    rmSync(data, { recursive: true, force: true });
    if (pg) {
      try {
        pg.drop();
      } catch (e) {
        process.stderr.write(`dropping schema ${pg.schema}: ${e.stderr || e}\n`);
      }
    }
  };

  let base;
  try {
    base = await new Promise((resolveBase, reject) => {
      let pending = '';
      const timer = setTimeout(
        () => fail(new Error(`no "listening on" line after ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      function fail(err) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        err.message += `\n$ ${bin} ${args.join(' ')}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`;
        reject(err);
      }
      child.on('error', (e) => fail(new Error(`cannot start ${bin}: ${e.message}`)));
      child.on('exit', (code, signal) => fail(new Error(`kefu serve exited (${code ?? signal})`)));
      child.stdout.on('data', (s) => {
        stdout += s;
        pending += s;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const m = LISTENING.exec(line);
          if (m) {
            clearTimeout(timer);
            child.removeAllListeners('exit');
            resolveBase(m[1].replace(/\/$/, ''));
          }
        }
      });
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  child.stdout.on('data', () => {});

  let stopped = null;
  const stop = () => {
    stopped ??= new Promise((done) => {
      let timer;
      const finish = () => {
        clearTimeout(timer);
        cleanup();
        done();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', finish);
      child.kill('SIGTERM');
    });
    return stopped;
  };
  return { base, database, stop, output: () => ({ stdout, stderr }) };
}

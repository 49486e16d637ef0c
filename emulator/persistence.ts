// SQLite persistence through sql.js (WASM): the whole database lives in memory and
// is written to the data file (atomically), loaded on start. Writes are write-behind:
// a mutation only marks the database dirty; one export per interval (flushIntervalMs) goes to the file
// off the request path (exporting the whole file per request made the emulator slower
// than AMS). close() flushes, so a clean stop loses nothing acknowledged.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs, { type Database } from 'sql.js';
import type { StoredSubscription } from './lifecycle.js';
import type { Label } from './wire.js';
import { DEFAULT_FLUSH_INTERVAL_MS } from './options.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, cluster_id TEXT, status_since TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (ref TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export interface PersistedState {
  subscriptions: StoredSubscription[];
  labels: Map<string, Label>;
  meta: Map<string, unknown>;
}

export type Change =
  | { type: 'subscription'; id: string; value: StoredSubscription | undefined }
  | { type: 'label'; ref: string; value: Label | undefined }
  | { type: 'meta'; key: string; value: unknown }
  | { type: 'clear' };


// Per write, not per process: two emulators in one process may share a data file's folder.
let tmpFiles = 0;

export class SqlitePersistence {
  readonly #db: Database;
  readonly #file: string;
  readonly #intervalMs: number;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #fileWrites = 0;
  #closed = false;

  private constructor(db: Database, file: string, intervalMs: number) {
    this.#db = db;
    this.#file = file;
    this.#intervalMs = intervalMs;
  }

  static async open(file: string, opts: { flushIntervalMs?: number } = {}): Promise<SqlitePersistence> {
    const SQL = await initSqlJs();
    const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
    db.run(SCHEMA);
    return new SqlitePersistence(db, file, opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  }

  /** How many times the file was written (for tests and benchmarks). */
  get fileWrites(): number {
    return this.#fileWrites;
  }

  load(): PersistedState {
    const subscriptions = this.#rows('SELECT status_since, data FROM subscriptions').map(([since, data]) => ({
      sub: JSON.parse(String(data)),
      statusSince: String(since),
    }));
    const labels = new Map(this.#rows('SELECT ref, data FROM labels').map(([ref, data]) => [String(ref), JSON.parse(String(data))]));
    const meta = new Map(this.#rows('SELECT key, value FROM meta').map(([key, value]) => [String(key), JSON.parse(String(value))]));
    return { subscriptions, labels, meta };
  }

  /** Applies the changes in one transaction in memory; the file follows within the interval. */
  apply(changes: Change[]): void {
    if (changes.length === 0) return;
    if (this.#closed) throw new Error('SQLite persistence is closed');
    this.#db.run('BEGIN');
    for (const change of changes) this.#applyOne(change);
    this.#db.run('COMMIT');
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      // Kept dirty on failure: the next change or close() tries again.
      this.flush().catch((error: unknown) => process.emitWarning(`AMS emulator: writing ${this.#file} failed: ${String(error)}`));
    }, this.#intervalMs);
  }

  /** Writes pending changes now (one write at a time; changes made meanwhile follow). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await this.#write(this.#db.export());
      } catch (error) {
        this.#dirty = true;
        throw error;
      }
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#db.close();
  }

  #applyOne(change: Change): void {
    switch (change.type) {
      case 'subscription':
        if (change.value === undefined) this.#db.run('DELETE FROM subscriptions WHERE id = ?', [change.id]);
        else
          this.#db.run('INSERT OR REPLACE INTO subscriptions (id, cluster_id, status_since, data) VALUES (?, ?, ?, ?)', [
            change.id,
            change.value.sub.cluster_id ?? null,
            change.value.statusSince,
            JSON.stringify(change.value.sub),
          ]);
        return;
      case 'label':
        if (change.value === undefined) this.#db.run('DELETE FROM labels WHERE ref = ?', [change.ref]);
        else this.#db.run('INSERT OR REPLACE INTO labels (ref, data) VALUES (?, ?)', [change.ref, JSON.stringify(change.value)]);
        return;
      case 'meta':
        this.#db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [change.key, JSON.stringify(change.value)]);
        return;
      case 'clear':
        this.#db.run('DELETE FROM subscriptions; DELETE FROM labels;');
        return;
    }
  }

  #rows(sql: string): unknown[][] {
    return this.#db.exec(sql)[0]?.values ?? [];
  }

  async #write(bytes: Uint8Array): Promise<void> {
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp-${process.pid}-${++tmpFiles}`;
    await writeFile(tmp, bytes);
    await rename(tmp, this.#file);
    this.#fileWrites++;
  }
}

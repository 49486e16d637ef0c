// SQLite persistence through sql.js (WASM): the whole database lives in memory and
// is written to the data file (atomically) after each mutation, loaded on start.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database } from 'sql.js';
import type { StoredSubscription } from './lifecycle.js';
import type { Label } from './wire.js';

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

export class SqlitePersistence {
  readonly #db: Database;
  readonly #file: string;

  private constructor(db: Database, file: string) {
    this.#db = db;
    this.#file = file;
  }

  static async open(file: string): Promise<SqlitePersistence> {
    const SQL = await initSqlJs();
    const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
    db.run(SCHEMA);
    return new SqlitePersistence(db, file);
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

  /** Applies the changes in one transaction, then writes the file. */
  apply(changes: Change[]): void {
    if (changes.length === 0) return;
    this.#db.run('BEGIN');
    for (const change of changes) this.#applyOne(change);
    this.#db.run('COMMIT');
    this.#write();
  }

  close(): void {
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

  #write(): void {
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp-${process.pid}`;
    writeFileSync(tmp, this.#db.export());
    renameSync(tmp, this.#file);
  }
}

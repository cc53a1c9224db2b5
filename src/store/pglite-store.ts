import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlClient, SqlDatabase } from "./sql.js";
import { SqlStore } from "./sql-store.js";

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, its files in a folder the user chooses.
 * One process at a time may open a folder (as with any PostgreSQL data directory).
 */
export async function openPgliteStore(dataDir: string): Promise<SqlStore> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // relaxedDurability stays off: every acknowledged commit is flushed to the folder before the promise resolves
  const pg = await PGlite.create({ dataDir: dir, relaxedDurability: false });
  const db: SqlDatabase = {
    query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
    transaction: (body) => pg.transaction((tx) => body(wrap(tx))),
    close: () => pg.close(),
  };
  const store = new SqlStore("pglite", dir, db);
  await store.migrate();
  return store;
}

function wrap(tx: { query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> }): SqlClient {
  return { query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows };
}

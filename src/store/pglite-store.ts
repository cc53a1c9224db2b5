import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlClient, SqlDatabase } from "./sql.js";
import { SqlStore } from "./sql-store.js";
import { StoreError } from "./types.js";

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, its files in a folder the user chooses.
 * One process at a time may open a folder (as with any PostgreSQL data directory): a second one — say
 * `portello users add` while `portello serve` runs — is refused instead of corrupting it.
 */
export async function openPgliteStore(dataDir: string): Promise<SqlStore> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const unlock = lockFolder(dir);
  try {
    // relaxedDurability stays off: every acknowledged commit is flushed to the folder before the promise resolves
    const pg = await PGlite.create({ dataDir: dir, relaxedDurability: false });
    const db: SqlDatabase = {
      query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
      transaction: (body) => pg.transaction((tx) => body(wrap(tx))),
      close: () => pg.close().finally(unlock),
    };
    const store = new SqlStore("pglite", dir, db);
    await store.migrate();
    return store;
  } catch (error) {
    unlock();
    throw error;
  }
}

/** A pid file in the folder; one left by a process that no longer runs (killed, crashed) is taken over. */
function lockFolder(dir: string): () => void {
  const file = join(dir, "portello.pid");
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(file, "utf8"));
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new StoreError(
        "conflict",
        `the data folder ${dir} is open in another Portello process (pid ${holder}${holder === process.pid ? ", this one" : ""}): ` +
          "stop it first — the embedded store serves one process at a time (PostgreSQL, with DATABASE_URL, serves many)",
      );
    }
    rmSync(file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function wrap(tx: { query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> }): SqlClient {
  return { query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows };
}

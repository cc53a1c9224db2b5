import pg from "pg";
import type { SqlClient, SqlDatabase } from "./sql.js";
import { SqlStore } from "./sql-store.js";

/** The store on a PostgreSQL server, for teams: the same schema and migrations as the embedded one. */
export async function openPostgresStore(databaseUrl: string): Promise<SqlStore> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5, connectionTimeoutMillis: 10_000 });
  // an idle connection dropped by the server must not crash the process
  pool.on("error", () => {});
  const db: SqlDatabase = {
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    transaction: async (body) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const tx: SqlClient = {
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        };
        const result = await body(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  const store = new SqlStore("postgres", redact(databaseUrl), db);
  try {
    await store.migrate();
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot use the PostgreSQL database at ${redact(databaseUrl)}: ${reason}`);
  }
  return store;
}

/** The URL without its password, for messages and logs. */
export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "<unparseable DATABASE_URL>";
  }
}

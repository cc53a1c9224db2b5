/** The little the store needs from a PostgreSQL connection; PGlite and `pg` both provide it. */
export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlDatabase extends SqlClient {
  /** runs `body` in one transaction: committed when it resolves, rolled back when it throws */
  transaction<T>(body: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL returns timestamptz as Date (pg, PGlite) or string; the store speaks ISO strings. */
export function isoTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function optionalIsoTime(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : isoTime(value);
}

/** jsonb comes back parsed from both drivers; be lenient where a driver returns text. */
export function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

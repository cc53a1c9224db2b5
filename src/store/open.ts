import { homedir } from "node:os";
import { join } from "node:path";
import { openPgliteStore } from "./pglite-store.js";
import { openPostgresStore } from "./postgres-store.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  /** folder of the embedded database; default ~/.portello/data */
  dataDir?: string;
  /** a PostgreSQL URL; wins over dataDir. Default: the DATABASE_URL environment variable */
  databaseUrl?: string;
}

export function defaultDataDir(): string {
  return join(homedir(), ".portello", "data");
}

/** PostgreSQL when a database URL is given (or DATABASE_URL is set), else the embedded store. Migrated. */
export function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return openPostgresStore(databaseUrl);
  return openPgliteStore(options.dataDir ?? defaultDataDir());
}

import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type SqlClient, type SqlDatabase, isoTime, json, optionalIsoTime } from "./sql.js";
import { StoreError } from "./types.js";

/**
 * Who may do what: users, their API tokens and browser sessions (both kept only as SHA-256 hashes), their
 * role in each project, and the audit log of writes. The same SQL on PGlite and PostgreSQL.
 */

export const ROLES = ["viewer", "editor", "owner"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** viewer < editor < owner: a role grants everything the roles before it grant. */
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export const Username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    "a user name: lower-case letters, digits, '.', '_' or '-' (at most 63)",
  );

export interface User {
  id: string;
  username: string;
  /** false for users who only use API tokens */
  hasPassword: boolean;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  username: string;
  name: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface Member {
  username: string;
  role: Role;
  addedAt: string;
}

/** What a presented token or session id proved: a user, or why not. */
export type CredentialCheck =
  | { ok: true; user: User }
  | { ok: false; reason: "unknown" | "revoked" | "expired" };

export interface AuditEntry {
  seq: number;
  at: string;
  /** user name, or "local" (loopback without users), or "cli" (an administrator at the store) */
  actor: string;
  via: "session" | "token" | "local" | "cli";
  /** the API operation (e.g. "saveVersion") or CLI command (e.g. "users.add") */
  action: string;
  projectId?: string;
  /** what was written: the request path, or the user or token concerned */
  target: string;
  detail: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, "seq" | "at">;

type Row = Record<string, unknown>;

export class Accounts {
  constructor(private readonly db: SqlDatabase) {}

  async hasUsers(): Promise<boolean> {
    const rows = await this.db.query("SELECT EXISTS (SELECT 1 FROM users) AS any");
    return Boolean(rows[0]?.any);
  }

  /** true when someone could authenticate: a user with a password, or a live token */
  async anyCredentials(): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL)
           OR EXISTS (SELECT 1 FROM api_tokens
                      WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS any`,
    );
    return Boolean(rows[0]?.any);
  }

  // ── users ─────────────────────────────────────────────────────────────────

  async createUser(username: string, passwordHash: string | null): Promise<User> {
    const rows = await this.db.query(
      `INSERT INTO users (id, username, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [randomUUID(), username, passwordHash],
    );
    if (rows.length === 0) throw new StoreError("conflict", `a user "${username}" already exists`);
    return toUser(rows[0]!);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.query("SELECT * FROM users ORDER BY username")).map(toUser);
  }

  async getUser(username: string): Promise<User> {
    return toUser(await userRow(this.db, username));
  }

  /** the stored scrypt hash, when the user has a password */
  async passwordHash(username: string): Promise<{ user: User; hash: string } | undefined> {
    const rows = await this.db.query("SELECT * FROM users WHERE username = $1", [username]);
    const row = rows[0];
    if (!row || row.password_hash === null) return undefined;
    return { user: toUser(row), hash: String(row.password_hash) };
  }

  async setPassword(username: string, passwordHash: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await userRow(tx, username);
      await tx.query("UPDATE users SET password_hash = $2 WHERE id = $1", [row.id, passwordHash]);
      // a new password ends every open browser session of the user
      await tx.query("DELETE FROM sessions WHERE user_id = $1", [row.id]);
    });
  }

  /** Removes the user with their tokens, sessions and memberships; refused while they own a project alone. */
  async removeUser(username: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await userRow(tx, username);
      const sole = await tx.query(
        `SELECT p.slug FROM project_members m JOIN projects p ON p.id = m.project_id
         WHERE m.user_id = $1 AND m.role = 'owner'
           AND NOT EXISTS (SELECT 1 FROM project_members o
                           WHERE o.project_id = m.project_id AND o.role = 'owner' AND o.user_id <> $1)`,
        [row.id],
      );
      if (sole.length > 0) {
        const slugs = sole.map((r) => String(r.slug)).join(", ");
        throw new StoreError(
          "conflict",
          `"${username}" is the only owner of ${slugs}: make someone else owner first (portello members add)`,
        );
      }
      await tx.query("DELETE FROM project_members WHERE user_id = $1", [row.id]);
      await tx.query("DELETE FROM users WHERE id = $1", [row.id]);
    });
  }

  // ── API tokens ────────────────────────────────────────────────────────────

  async createToken(username: string, name: string, tokenHash: string, expiresAt?: Date): Promise<ApiToken> {
    const user = await this.getUser(username);
    const id = randomUUID();
    await this.db.query(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [id, user.id, name, tokenHash, expiresAt ?? null],
    );
    return (await this.listTokens()).find((t) => t.id === id)!;
  }

  async listTokens(username?: string): Promise<ApiToken[]> {
    const rows = await this.db.query(
      `SELECT t.*, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE ($1::text IS NULL OR u.username = $1) ORDER BY t.created_at, t.id`,
      [username ?? null],
    );
    return rows.map(toToken);
  }

  /** Revokes by id (or unique id prefix, as `tokens list` shows it); revoking twice changes nothing. */
  async revokeToken(idOrPrefix: string): Promise<ApiToken> {
    const matches = (await this.listTokens()).filter((t) => t.id.startsWith(idOrPrefix));
    if (matches.length !== 1 || idOrPrefix.length < 8) {
      throw new StoreError(
        "not-found",
        matches.length > 1 ? `"${idOrPrefix}" names ${matches.length} tokens` : `no token "${idOrPrefix}"`,
      );
    }
    const id = matches[0]!.id;
    await this.db.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [
      id,
    ]);
    return (await this.listTokens()).find((t) => t.id === id)!;
  }

  async checkToken(tokenHash: string): Promise<CredentialCheck> {
    const rows = await this.db.query(
      `SELECT t.id AS token_id, t.revoked_at, (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired,
              u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
    if (row.expired) return { ok: false, reason: "expired" };
    await this.db.query("UPDATE api_tokens SET last_used_at = now() WHERE id = $1", [row.token_id]);
    return { ok: true, user: toUser(row) };
  }

  // ── browser sessions ──────────────────────────────────────────────────────

  async createSession(userId: string, idHash: string, expiresAt: Date): Promise<void> {
    // sign-in is a good moment to forget every expired session
    await this.db.query("DELETE FROM sessions WHERE expires_at <= now()");
    await this.db.query("INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)", [
      idHash,
      userId,
      expiresAt,
    ]);
  }

  async checkSession(idHash: string): Promise<CredentialCheck> {
    const rows = await this.db.query(
      `SELECT (s.expires_at <= now()) AS expired, u.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = $1`,
      [idHash],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: "unknown" };
    if (row.expired) return { ok: false, reason: "expired" };
    return { ok: true, user: toUser(row) };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE id_hash = $1", [idHash]);
  }

  // ── project members ───────────────────────────────────────────────────────

  async roleIn(userId: string, projectId: string): Promise<Role | undefined> {
    const rows = await this.db.query(
      "SELECT role FROM project_members WHERE user_id = $1 AND project_id = $2",
      [userId, projectId],
    );
    return rows[0] ? (String(rows[0].role) as Role) : undefined;
  }

  /** project id → the user's role, for every project the user is a member of */
  async rolesOf(userId: string): Promise<Map<string, Role>> {
    const rows = await this.db.query("SELECT project_id, role FROM project_members WHERE user_id = $1", [
      userId,
    ]);
    return new Map(rows.map((r) => [String(r.project_id), String(r.role) as Role]));
  }

  async listMembers(projectId: string): Promise<Member[]> {
    const rows = await this.db.query(
      `SELECT u.username, m.role, m.added_at FROM project_members m JOIN users u ON u.id = m.user_id
       WHERE m.project_id = $1 ORDER BY u.username`,
      [projectId],
    );
    return rows.map((r) => ({
      username: String(r.username),
      role: String(r.role) as Role,
      addedAt: isoTime(r.added_at),
    }));
  }

  /** Adds the member, or changes their role; a project never loses its last owner. */
  async setMember(projectId: string, username: string, role: Role): Promise<Member> {
    await this.db.transaction(async (tx) => {
      const user = await userRow(tx, username);
      if (role !== "owner") await keepAnOwner(tx, projectId, String(user.id));
      await tx.query(
        `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
        [projectId, user.id, role],
      );
    });
    return (await this.listMembers(projectId)).find((m) => m.username === username)!;
  }

  async removeMember(projectId: string, username: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const user = await userRow(tx, username);
      await keepAnOwner(tx, projectId, String(user.id));
      const rows = await tx.query(
        "DELETE FROM project_members WHERE project_id = $1 AND user_id = $2 RETURNING user_id",
        [projectId, user.id],
      );
      if (rows.length === 0)
        throw new StoreError("not-found", `"${username}" is not a member of the project`);
    });
  }

  // ── audit log ─────────────────────────────────────────────────────────────

  async audit(entry: NewAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor, via, action, project_id, target, detail)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        entry.actor,
        entry.via,
        entry.action,
        entry.projectId ?? null,
        entry.target,
        JSON.stringify(entry.detail),
      ],
    );
  }

  /** newest first; of one project, or (projectId null) the whole log */
  async listAudit(filter: { projectId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query(
      `SELECT * FROM audit_log WHERE ($1::text IS NULL OR project_id = $1) ORDER BY seq DESC LIMIT $2`,
      [filter.projectId ?? null, filter.limit ?? 200],
    );
    return rows.map(toAudit);
  }
}

/** Refuses a change that would leave the project without an owner, when `userId` is one of its owners. */
async function keepAnOwner(tx: SqlClient, projectId: string, userId: string): Promise<void> {
  const owners = await tx.query(
    "SELECT user_id FROM project_members WHERE project_id = $1 AND role = 'owner' FOR UPDATE",
    [projectId],
  );
  if (owners.length === 1 && String(owners[0]!.user_id) === userId) {
    throw new StoreError("conflict", "a project keeps at least one owner: make someone else owner first");
  }
}

async function userRow(db: SqlClient, username: string): Promise<Row> {
  const rows = await db.query("SELECT * FROM users WHERE username = $1", [username]);
  if (rows.length === 0) throw new StoreError("not-found", `no user "${username}"`);
  return rows[0]!;
}

function toUser(r: Row): User {
  return {
    id: String(r.id),
    username: String(r.username),
    hasPassword: r.password_hash !== null && r.password_hash !== undefined,
    createdAt: isoTime(r.created_at),
  };
}

function toToken(r: Row): ApiToken {
  const token: ApiToken = {
    id: String(r.id),
    username: String(r.username),
    name: String(r.name),
    createdAt: isoTime(r.created_at),
  };
  const expiresAt = optionalIsoTime(r.expires_at);
  if (expiresAt) token.expiresAt = expiresAt;
  const revokedAt = optionalIsoTime(r.revoked_at);
  if (revokedAt) token.revokedAt = revokedAt;
  const lastUsedAt = optionalIsoTime(r.last_used_at);
  if (lastUsedAt) token.lastUsedAt = lastUsedAt;
  return token;
}

function toAudit(r: Row): AuditEntry {
  const entry: AuditEntry = {
    seq: Number(r.seq),
    at: isoTime(r.at),
    actor: String(r.actor),
    via: String(r.via) as AuditEntry["via"],
    action: String(r.action),
    target: String(r.target),
    detail: json(r.detail, {}),
  };
  if (r.project_id !== null && r.project_id !== undefined) entry.projectId = String(r.project_id);
  return entry;
}

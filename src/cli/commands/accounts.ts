import { userInfo } from "node:os";
import type { Command } from "commander";
import type { z } from "zod";
import { Role, Username } from "../../store/accounts.js";
import { hashPassword, newToken, passwordProblem, secretHash } from "../../store/credentials.js";
import { openStore } from "../../store/open.js";
import { seedBuiltinProjects } from "../../store/seed.js";
import { type Store, StoreError } from "../../store/types.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, runCommand, table, UserError } from "../output.js";
import { readPassword } from "../password-input.js";

/**
 * `portello users|tokens|members|audit`: who may use a server, administered at the store itself (whoever
 * can open the store is its administrator). With the embedded store, stop the server first: one process
 * at a time may open its folder.
 */
export function registerAccountCommands(program: Command): void {
  const users = program.command("users").description("people and robots who may use the server");
  withStore(users.command("add").argument("<name>", "user name (lower-case)"))
    .description("add a user; asks for the password (or --password-stdin, PORTELLO_PASSWORD)")
    .option("--password-stdin", "read the password from standard input")
    .option("--no-password", "a user without a password: signs in only with API tokens")
    .action((name: string, flags: StoreFlags & { password: boolean; passwordStdin?: boolean }) =>
      runCommand(async () => {
        // the password first: the store stays closed while someone types
        const username = parse(Username, name, "user name");
        const hash = flags.password ? await newPasswordHash(flags.passwordStdin) : null;
        return inStore(flags, async (store) => {
          const user = await store.accounts.createUser(username, hash);
          await audit(store, "users.add", username);
          process.stdout.write(`portello: added user ${user.username}${hash ? "" : " (tokens only)"}\n`);
          process.stdout.write(
            `portello: give them a role: portello members add <project> ${user.username} viewer|editor|owner\n`,
          );
        });
      }),
    );
  withStore(users.command("password").argument("<name>", "user name"))
    .description("set a new password (ends the user's browser sessions)")
    .option("--password-stdin", "read the password from standard input")
    .action((name: string, flags: StoreFlags & { passwordStdin?: boolean }) =>
      runCommand(async () => {
        const hash = await newPasswordHash(flags.passwordStdin);
        return inStore(flags, async (store) => {
          await store.accounts.setPassword(name, hash);
          await audit(store, "users.password", name);
          process.stdout.write(`portello: new password set for ${name}\n`);
        });
      }),
    );
  withStore(users.command("list"))
    .description("list users")
    .option("--json", "as JSON")
    .action((flags: StoreFlags & { json?: boolean }) =>
      withOpenStore(flags, async (store) => {
        const all = await store.accounts.listUsers();
        if (flags.json) return printJson(all);
        const rows = all.map((u) => [u.username, u.hasPassword ? "yes" : "no (tokens only)", u.createdAt]);
        process.stdout.write(`${table(["user", "password", "created"], rows)}\n`);
      }),
    );
  withStore(users.command("remove").argument("<name>", "user name"))
    .description("remove a user with their tokens, sessions and memberships")
    .action((name: string, flags: StoreFlags) =>
      withOpenStore(flags, async (store) => {
        await store.accounts.removeUser(name);
        await audit(store, "users.remove", name);
        process.stdout.write(`portello: removed user ${name}\n`);
      }),
    );

  const tokens = program.command("tokens").description("API tokens: `Authorization: Bearer <token>`");
  withStore(tokens.command("create").argument("<user>", "the user the token acts as"))
    .description("create a token; it is printed once, on standard output, and stored only as a hash")
    .option("--name <label>", "what it is for, e.g. ci", "token")
    .option("--expires-days <n>", "valid for this many days (default: until revoked)")
    .action((user: string, flags: StoreFlags & { name: string; expiresDays?: string }) =>
      withOpenStore(flags, async (store) => {
        const days = flags.expiresDays === undefined ? undefined : Number(flags.expiresDays);
        if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) {
          throw new UserError(`--expires-days must be a whole number of days from 1 to 3650`, ExitCode.usage);
        }
        const token = newToken();
        const expires = days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
        const created = await store.accounts.createToken(user, flags.name, secretHash(token), expires);
        await audit(store, "tokens.create", `${user}/${created.id}`);
        process.stderr.write(
          `portello: token ${created.id.slice(0, 8)} for ${user}${expires ? `, valid until ${created.expiresAt}` : ""}; ` +
            "it is shown only now:\n",
        );
        process.stdout.write(`${token}\n`);
      }),
    );
  withStore(tokens.command("list"))
    .description("list tokens (never the tokens themselves)")
    .option("--user <name>", "only this user's")
    .option("--json", "as JSON")
    .action((flags: StoreFlags & { user?: string; json?: boolean }) =>
      withOpenStore(flags, async (store) => {
        const all = await store.accounts.listTokens(flags.user);
        if (flags.json) return printJson(all);
        const rows = all.map((t) => [
          t.id.slice(0, 8),
          t.username,
          t.name,
          t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `until ${t.expiresAt}` : "active",
          t.lastUsedAt ?? "never",
        ]);
        process.stdout.write(`${table(["id", "user", "name", "state", "last used"], rows)}\n`);
      }),
    );
  withStore(tokens.command("revoke").argument("<id>", "the id `tokens list` shows (8 characters suffice)"))
    .description("revoke a token: it stops working at once")
    .action((id: string, flags: StoreFlags) =>
      withOpenStore(flags, async (store) => {
        const token = await store.accounts.revokeToken(id);
        await audit(store, "tokens.revoke", `${token.username}/${token.id}`);
        process.stdout.write(`portello: revoked token ${token.id.slice(0, 8)} of ${token.username}\n`);
      }),
    );

  const members = program.command("members").description("who has which role in a project");
  withStore(
    members
      .command("add")
      .argument("<project>", "project slug or id")
      .argument("<user>", "user name")
      .argument("<role>", "viewer (reads), editor (saves, runs), owner (members, audit, delete)"),
  )
    .description("give a user a role in a project (or change it)")
    .action((projectName: string, user: string, role: string, flags: StoreFlags) =>
      withOpenStore(flags, async (store) => {
        const project = await store.getProject(projectName);
        const member = await store.accounts.setMember(project.id, user, parse(Role, role, "role"));
        await audit(store, "members.add", `${project.slug}/${user}`, project.id, { role });
        process.stdout.write(`portello: ${member.username} is ${member.role} of ${project.slug}\n`);
      }),
    );
  withStore(members.command("remove").argument("<project>", "project").argument("<user>", "user name"))
    .description("take a user's role in a project away")
    .action((projectName: string, user: string, flags: StoreFlags) =>
      withOpenStore(flags, async (store) => {
        const project = await store.getProject(projectName);
        await store.accounts.removeMember(project.id, user);
        await audit(store, "members.remove", `${project.slug}/${user}`, project.id);
        process.stdout.write(`portello: ${user} is no longer a member of ${project.slug}\n`);
      }),
    );
  withStore(members.command("list").argument("<project>", "project"))
    .description("list a project's members")
    .option("--json", "as JSON")
    .action((projectName: string, flags: StoreFlags & { json?: boolean }) =>
      withOpenStore(flags, async (store) => {
        const project = await store.getProject(projectName);
        const all = await store.accounts.listMembers(project.id);
        if (flags.json) return printJson(all);
        process.stdout.write(
          `${table(
            ["user", "role", "since"],
            all.map((m) => [m.username, m.role, m.addedAt]),
          )}\n`,
        );
      }),
    );

  withStore(program.command("audit"))
    .description("the audit log of writes, newest first: who, when, what")
    .option("--project <project>", "only this project's")
    .option("--limit <n>", "at most this many entries", "50")
    .option("--json", "as JSON")
    .action((flags: StoreFlags & { project?: string; limit: string; json?: boolean }) =>
      withOpenStore(flags, async (store) => {
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) {
          throw new UserError(`--limit must be a whole number from 1, not "${flags.limit}"`, ExitCode.usage);
        }
        const projectId = flags.project ? (await store.getProject(flags.project)).id : undefined;
        const entries = await store.accounts.listAudit({ ...(projectId ? { projectId } : {}), limit });
        if (flags.json) return printJson(entries);
        const rows = entries.map((e) => [e.at, `${e.actor} (${e.via})`, e.action, e.target]);
        process.stdout.write(`${table(["when", "who", "what", "target"], rows)}\n`);
      }),
    );
}

interface StoreFlags {
  data?: string;
}

function withStore(command: Command): Command {
  return command.option(
    "--data <dir>",
    "folder of the embedded database (default ~/.portello/data; DATABASE_URL wins)",
  );
}

function withOpenStore(flags: StoreFlags, body: (store: Store) => Promise<void>): Promise<void> {
  return runCommand(() => inStore(flags, body));
}

async function inStore(flags: StoreFlags, body: (store: Store) => Promise<void>): Promise<ExitCode> {
  try {
    const store = await openStore(flags.data ? { dataDir: flags.data } : {});
    try {
      // the built-in projects exist before the server first starts, so that members can be added to them
      await seedBuiltinProjects(store);
      await body(store);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof StoreError) {
      throw new UserError(
        error.message,
        error.kind === "not-found" ? ExitCode.notFound : ExitCode.invalidInput,
      );
    }
    throw error;
  }
}

function parse<T extends z.ZodType>(schema: T, value: string, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UserError(`"${value}" is not a ${what}: ${result.error.issues[0]?.message}`, ExitCode.usage);
}

async function newPasswordHash(fromStdin: boolean | undefined): Promise<string> {
  const password = await readPassword({ stdin: fromStdin ?? false });
  const problem = passwordProblem(password);
  if (problem) throw new UserError(problem, ExitCode.invalidInput);
  return hashPassword(password);
}

/** CLI writes go to the audit log too, under the operating-system user who made them. */
function audit(store: Store, action: string, target: string, projectId?: string, detail = {}): Promise<void> {
  return store.accounts.audit({
    actor: userInfo().username,
    via: "cli",
    action,
    target,
    detail,
    ...(projectId ? { projectId } : {}),
  });
}

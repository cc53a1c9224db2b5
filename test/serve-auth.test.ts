import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The real thing: `portello users|members|tokens` on an embedded store, then `portello serve --host 0.0.0.0`
 * as a separate process, asked over TCP. And the refusal to start off loopback with nobody able to sign in.
 */
const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "portello-serve-auth-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args, "--data", dataDir], {
    encoding: "utf8",
    input: options.input ?? "",
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function serve(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "serve", "--host", "0.0.0.0", "--port", "0", "--data", dataDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const port = /serving on http:\/\/0\.0\.0\.0:(\d+)/.exec(output)?.[1];
      if (port) resolve({ child, port: Number(port), output: () => output });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) =>
      reject(Object.assign(new Error(`server exited (${code}):\n${output}`), { code, output })),
    );
  });
}

describe("portello serve off loopback", () => {
  it("refuses to start with nobody able to sign in, and says exactly how to make someone", async () => {
    const refused = await serve().catch((error: { code: number; output: string }) => error);
    expect(refused).toMatchObject({ code: 64 });
    const output = (refused as { output: string }).output;
    expect(output).toMatch(/refusing to listen on 0\.0\.0\.0 with nobody able to sign in/);
    expect(output).toContain(`portello users add alice --data ${dataDir}`);
    expect(output).toContain(`portello tokens create alice --data ${dataDir}`);
    expect(output).not.toMatch(/serving on/);
  });

  // five CLI processes and a server, each opening the embedded store: slow on a busy machine
  it("serves, once a user and a token exist, only to callers who present them", {
    timeout: 300_000,
  }, async () => {
    expect(
      cli(["users", "add", "alice", "--password-stdin"], { input: "alice-long-password\n" }),
    ).toMatchObject({
      code: 0,
    });
    expect(cli(["users", "add", "bob"], { env: { PORTELLO_PASSWORD: "short" } })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/at least 10 characters/),
    });
    expect(cli(["members", "add", "alfa-romeo", "alice", "owner"])).toMatchObject({ code: 0 });
    const created = cli(["tokens", "create", "alice", "--name", "ci"]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);

    const { child, port, output } = await serve();
    const base = `http://127.0.0.1:${port}`;
    expect(output()).toMatch(/every request needs a token or a signed-in session/);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const anonymous = await fetch(`${base}/api/projects`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toMatch(/problem\+json/);
    const withToken = await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as { slug: string }[]).map((p) => p.slug)).toContain("alfa-romeo");

    const signIn = await fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alice", password: "alice-long-password" }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    expect((await fetch(`${base}/api/projects/alfa-romeo/scenarios`, { headers: { cookie } })).status).toBe(
      200,
    );
    // what the web app asks first, to know whether to show its sign-in page, needs no credentials
    expect(await (await fetch(`${base}/api/session`)).json()).toEqual({ authRequired: true, user: null });

    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    const audit = cli(["audit"]).stdout;
    for (const action of ["users.add", "members.add", "tokens.create"]) expect(audit).toContain(action);
  });
});

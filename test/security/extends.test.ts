import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBuiltinScenarios } from "../../src/domain/load.js";
import { openPgliteStore } from "../../src/store/pglite-store.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";
import {
  call,
  expectProblem,
  healthMs,
  type Reply,
  type ServerProcess,
  snapshot,
  startServer,
  tempDataDir,
} from "./server.js";

/**
 * Issue 7's defect: `extends` in scenario text sent to the server made it read its own files
 * (`"extends":"/etc/passwd"` answered with the file's first line). Every syntax × every way of naming a file ×
 * every endpoint that reads scenario text must be a 4xx that says nothing about the server's files — the
 * same answer whether the file exists or not — and must store nothing.
 */

/** Names of server files: absolute, relative to the server's working directory, built-in traversal, URL. */
const TARGETS = [
  "/etc/passwd",
  "../../../../../../../../etc/passwd",
  "package.json", // exists in the server's working directory
  "./package.json",
  "builtin:../../package",
  "builtin:../../../../../../../../etc/passwd",
  "file:///etc/passwd",
];

/** A twin naming nothing: the answers must not differ but for the name itself. */
const missing = (target: string) => `${target}-no-such-file`;

const SYNTAXES = {
  json: (t: string) => ({
    fileName: "x.json",
    content: JSON.stringify({ portello: 1, extends: t, id: "x" }),
  }),
  "flow YAML": (t: string) => ({
    fileName: "x.yaml",
    content: `{portello: 1, extends: ${JSON.stringify(t)}, id: x}`,
  }),
  "block YAML": (t: string) => ({ fileName: "x.yaml", content: `portello: 1\nextends: ${t}\nid: x\n` }),
};

/** What the server's files hold and where they are: none of it may appear in an answer. */
const SECRETS = [
  ...readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .filter(Boolean)
    .slice(0, 3)
    .map((line) => line.split(":").slice(0, 3).join(":")),
  "/bin/bash",
  '"dependencies"',
  "Strategic production-network planner", // package.json's description
  process.cwd(),
  "ENOENT",
  "looked for",
  "no such file",
  "is a directory",
];

function expectNothingRevealed(reply: Reply): void {
  for (const secret of SECRETS) expect(reply.text, `answer reveals '${secret}'`).not.toContain(secret);
}

/**
 * The answer with the name the caller sent taken out: equal for a file that exists and one that does not. A
 * built-in's spelling hint depends on the name sent (never on files): it is checked to name built-ins only.
 */
function normalised(reply: Reply, target: string) {
  const hints = /( — did you mean '([^']*)'\?| \(available: ([^)]*)\))/g;
  for (const [, , suggestion, available] of reply.text.matchAll(hints))
    for (const name of (suggestion ?? available ?? "").split(", "))
      expect(listBuiltinScenarios()).toContain(name);
  const body = reply.text.replace(hints, "<hint>");
  return {
    status: reply.status,
    body: body.split(JSON.stringify(target).slice(1, -1)).join("<T>").split(target).join("<T>"),
  };
}

let server: ServerProcess;
let before: string;
let legacy: { baseId: string; stored: { target: string; syntax: string; id: string }[] };

beforeAll(async () => {
  // text saved before the fix: a project whose stored versions name server files
  const dataDir = tempDataDir();
  const store = await openPgliteStore(dataDir);
  const project = await store.createProject({ name: "Legacy", slug: "legacy" });
  const base = await store.createScenario(project.id, {
    name: "Base",
    fileName: "base.yaml",
    content: TINY_SCENARIO,
  });
  const stored = [];
  let n = 0;
  for (const target of TARGETS)
    for (const [syntax, make] of Object.entries(SYNTAXES)) {
      const { content } = make(target);
      const fileName = `evil-${++n}.${syntax === "json" ? "json" : "yaml"}`;
      const { scenario } = await store.createScenario(project.id, { name: fileName, fileName, content });
      stored.push({ target, syntax, id: scenario.id });
    }
  await store.close();
  legacy = { baseId: base.scenario.id, stored };
  server = await startServer(dataDir);
  before = await snapshot(server.url);
});

afterAll(async () => {
  await server?.stop();
});

describe("extends never reads the server's files", () => {
  it("answers the exact request of the issue with a 422 that reveals nothing", async () => {
    const reply = await call(server.url, "POST", "/api/validate", {
      content: '{"portello":1,"extends":"/etc/passwd","id":"x"}',
      fileName: "x.json",
    });
    expectProblem(reply, 422);
    expectNothingRevealed(reply);
    expect(reply.body.issues[0]).toMatchObject({ file: "x.json", line: 1, path: "extends" });
    expect(reply.body.issues[0].message).toMatch(/only built-in scenarios/);
  });

  const posted = [
    { name: "validate", path: () => "/api/validate", body: (c: object) => c },
    {
      name: "validate in a project",
      path: () => "/api/validate",
      body: (c: object) => ({ ...c, project: "legacy" }),
    },
    {
      name: "create a scenario",
      path: () => "/api/projects/legacy/scenarios",
      body: (c: object) => ({ ...c, name: "x" }),
    },
    {
      name: "save a version",
      path: () => `/api/scenarios/${legacy.baseId}/versions`,
      body: ({ content }: { content: string }) => ({ content }),
    },
  ];
  for (const endpoint of posted)
    for (const [syntax, make] of Object.entries(SYNTAXES))
      it(`${endpoint.name}, ${syntax}: every target is a 422, the same whether the file exists or not`, async () => {
        for (const target of TARGETS) {
          const replies = [];
          for (const name of [target, missing(target)]) {
            const reply = await call(server.url, "POST", endpoint.path(), endpoint.body(make(name)));
            expectProblem(reply, 422);
            expectNothingRevealed(reply);
            replies.push(normalised(reply, name));
          }
          expect(replies[0], `${target}: the answers differ`).toEqual(replies[1]);
        }
      });

  it("refuses to run or validate a stored version that names a server file (saved before the fix)", async () => {
    for (const { id, target } of legacy.stored) {
      const run = await call(server.url, "POST", `/api/scenarios/${id}/runs`, {});
      expectProblem(run, 422);
      expectNothingRevealed(run);
      const validation = await call(server.url, "GET", `/api/scenarios/${id}/versions/1/validation`);
      expectProblem(validation, 422);
      expectNothingRevealed(validation);
      expect(validation.text).toContain(JSON.stringify(target).slice(1, -1));
      const diff = await call(server.url, "GET", `/api/scenarios/${legacy.baseId}/diff?from=1&against=${id}`);
      expect(diff.status).toBe(200);
      expect(diff.body.resolved).toBe(false);
      expectNothingRevealed(diff);
    }
  });

  it("still resolves a project's own scenarios and the built-ins, in every syntax", async () => {
    for (const make of Object.values(SYNTAXES)) {
      const { fileName } = make("base.yaml");
      const own = `{"portello":1,"extends":"base.yaml","id":"own","name":"Own"}`;
      const ok = await call(server.url, "POST", "/api/validate", {
        content: own,
        fileName,
        project: "legacy",
      });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.summary.id).toBe("own");
    }
    const builtin = await call(server.url, "POST", "/api/validate", {
      content: "portello: 1\nextends: builtin:alfa/base\nid: b\nname: B\n",
    });
    expect(builtin.status, builtin.text).toBe(200);
  });

  it("stored nothing, and stayed healthy", async () => {
    expect(await snapshot(server.url)).toBe(before);
    expect(await healthMs(server.url)).toBeLessThan(1000);
  });
});

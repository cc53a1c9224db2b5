import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type RunningServer, startServer } from "../../src/server/start.js";

/**
 * The browser tests' world: a real server (embedded PGlite in a temporary folder, the built-in Alfa Romeo
 * project seeded) serving the built web app, and Debian's Chromium driven by playwright-core.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WEB_DIST = join(ROOT, "web/dist");
export const SCREENSHOTS = join(ROOT, "test-artifacts/screenshots");
export const CHROMIUM = process.env.PORTELLO_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface World {
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** runs on the data folder before the server opens it, e.g. to add users (the server then asks for sign-in) */
  prepare?: (dataDir: string) => Promise<void>;
}

export async function openWorld(options: WorldOptions = {}): Promise<World> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run scripts/install-system-deps.sh (apt-get install chromium)`,
    );
  }
  buildWebIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), "portello-browser-data-"));
  const profile = mkdtempSync(join(tmpdir(), "portello-browser-profile-"));
  await options.prepare?.(dataDir);
  const server = await startServer({ port: 0, dataDir, webDir: WEB_DIST });
  // a persistent context is how playwright takes a fresh --user-data-dir
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
    baseURL: server.url,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    server,
    context,
    page,
    close: async () => {
      await context.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page:\n${errors.join("\n")}`);
    },
  };
}

/** A world opened before a test file's tests and closed after them: call at the file's top level. */
export function worldForFile(options: WorldOptions = {}): () => World {
  let world: World | undefined;
  beforeAll(async () => {
    world = await openWorld(options);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });
  return () => world!;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Builds web/dist when it is missing or older than any source of the app. */
function buildWebIfStale(): void {
  const built = join(WEB_DIST, "index.html");
  const sources = [
    join(ROOT, "web/index.html"),
    join(ROOT, "web/vite.config.ts"),
    ...filesUnder(join(ROOT, "web/src")),
  ];
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (sources.every((f) => statSync(f).mtimeMs <= builtAt)) return;
  const vite = join(ROOT, "node_modules/.bin/vite");
  execFileSync(vite, ["build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

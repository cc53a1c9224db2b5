import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPgliteStore } from "../../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../../src/store/seed.js";
import { addUser, type TestUser } from "../fixtures/accounts.js";
import { screenshot, worldForFile } from "./harness.js";

/**
 * What a member may do, shown before they click, in real Chromium: a viewer of the built-in project finds Save,
 * Run, the workbook upload and Start study disabled, with the reason; an editor finds them enabled.
 */

const BELVIDERE = "Reopen Belvidere for the E-segment";
const NOTE = "Viewers can read; ask an owner for editor rights.";
let viewer: TestUser;
let editor: TestUser;

const world = worldForFile({
  prepare: async (dataDir) => {
    const store = await openPgliteStore(dataDir);
    await seedBuiltinProjects(store);
    viewer = await addUser(store, "vic");
    editor = await addUser(store, "ed");
    const project = (await store.getProject("alfa-romeo")).id;
    await store.accounts.setMember(project, "vic", "viewer");
    await store.accounts.setMember(project, "ed", "editor");
    await store.close();
  },
});

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto("/#/scenarios");
  await page.getByLabel("User name").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: BELVIDERE }).click();
  await page.getByRole("button", { name: /^Run version \d+$/ }).waitFor();
}

describe("write actions by role", () => {
  it("a viewer sees Save, Run, upload and Start study disabled, saying why; an editor sees them enabled", async () => {
    const { page } = world();
    await signIn(page, viewer);
    const run = page.getByRole("button", { name: /^Run version \d+$/ });
    const save = page.getByRole("button", { name: "Save as new version" });
    const upload = page.getByLabel("Upload a filled-in workbook as the next version");
    expect(await run.isDisabled()).toBe(true);
    expect(await run.getAttribute("title")).toBe(NOTE);
    // an edit would make Save possible for an editor: still not for a viewer
    const text = page.getByLabel("Scenario text (YAML)");
    await text.fill(`${await text.inputValue()}\n# an edit\n`);
    await page.getByText("unsaved changes").waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await upload.isDisabled()).toBe(true);
    expect(await page.getByRole("note").filter({ hasText: NOTE }).count()).toBeGreaterThan(0);
    await screenshot(page, "40-viewer-editor");

    await page.goto("/#/studies");
    const start = page.getByRole("button", { name: "Start study" });
    await start.waitFor();
    expect(await start.isDisabled()).toBe(true);
    await page.getByRole("note").filter({ hasText: NOTE }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await signIn(page, editor);
    expect(await page.getByRole("button", { name: /^Run version \d+$/ }).isEnabled()).toBe(true);
    expect(await page.getByRole("note").filter({ hasText: NOTE }).count()).toBe(0);
    await page.goto("/#/studies");
    await page.getByRole("button", { name: "Start study" }).waitFor();
    expect(await page.getByRole("button", { name: "Start study" }).isEnabled()).toBe(true);
  }, 180_000);
});

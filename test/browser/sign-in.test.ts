import { describe, expect, it } from "vitest";
import { openPgliteStore } from "../../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../../src/store/seed.js";
import { addUser } from "../fixtures/accounts.js";
import { screenshot, worldForFile } from "./harness.js";

/**
 * Signing in with the web app in real Chromium, on a loopback server whose store has a user (so it asks):
 * the sign-in page, a wrong password, the app once signed in, signing out.
 */

let password = "";
const world = worldForFile({
  prepare: async (dataDir) => {
    const store = await openPgliteStore(dataDir);
    await seedBuiltinProjects(store);
    const ann = await addUser(store, "ann");
    password = ann.password;
    await store.accounts.setMember((await store.getProject("alfa-romeo")).id, "ann", "viewer");
    await store.close();
  },
});

describe("sign-in", () => {
  it("shows the sign-in page, refuses a wrong password, signs in to the app and out again", async () => {
    const { page } = world();
    await page.goto("/#/scenarios");
    const heading = page.getByRole("heading", { name: "Sign in" });
    await heading.waitFor();
    expect(await page.getByRole("navigation", { name: "Sections" }).count()).toBe(0);
    await screenshot(page, "20-sign-in");

    await page.getByLabel("User name").fill("ann");
    await page.getByLabel("Password").fill("not her password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "wrong user name or password" }).waitFor();

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // the page she asked for, with the project she is a member of
    await page
      .getByRole("heading", { name: /Alfa Romeo/ })
      .first()
      .waitFor();
    await page.getByRole("navigation", { name: "Sections" }).waitFor();
    expect(await page.locator(".topbar-user").textContent()).toMatch(/^ann/);
    const cookies = await world().context.cookies();
    expect(cookies.find((c) => c.name === "portello_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });

    await page.getByRole("button", { name: "Sign out" }).click();
    await heading.waitFor();
    expect((await world().context.cookies()).some((c) => c.name === "portello_session")).toBe(false);
  }, 120_000);
});

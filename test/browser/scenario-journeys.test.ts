import { describe, expect, it } from "vitest";
import { screenshot, type World, worldForFile } from "./harness.js";

/** Journeys through the scenario editor, runs and comparison, in real Chromium against a real server. */

const world = worldForFile();

const BELVIDERE = "Reopen Belvidere for the E-segment";

describe("scenario editor, run and compare", () => {
  it("changes Belvidere's reopen cost, runs both versions and compares their NPV", async () => {
    const { page } = world();
    await page.goto("/#/scenarios");

    // the base case opens with its tables and validates
    await page.getByRole("link", { name: /^Italy only — today's network/ }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Italy only/);
    await page.getByRole("status").filter({ hasText: "Valid" }).waitFor();
    expect(await page.getByLabel("Name of cassino").inputValue()).toMatch(/Cassino/);
    await screenshot(page, "01-base-case");

    // version 1 of the Belvidere variant, as shipped
    await page.getByRole("link", { name: "Scenarios" }).first().click();
    await page.getByRole("link", { name: BELVIDERE }).click();
    await page.getByRole("button", { name: "Run version 1" }).click();
    await watchStatuses(page);
    await page.getByText("On base.yaml version 1").waitFor();
    await screenshot(page, "02-run-version-1");

    // re-run it exactly: a new run on the same version and base versions
    await page.getByRole("button", { name: "Re-run exactly" }).click();
    await page.getByText(/a re-run of/).waitFor();
    expect((await watchStatuses(page)).at(-1)).toBe("Done");

    // raise the reopen cost in the plants table: the text changes in place, validation follows
    await page.getByRole("link", { name: BELVIDERE }).click();
    const cost = page.getByLabel("Reopen / build cost of belvidere");
    expect(await cost.inputValue()).toBe("400000000");
    await cost.fill("650000000");
    await cost.press("Enter");
    const text = page.getByLabel("Scenario text (YAML)");
    expect(await text.inputValue()).toContain("openCost: 650000000");
    await page.getByText("unsaved changes").waitFor();
    await page.getByRole("status").filter({ hasText: "Valid" }).waitFor();
    await page.getByLabel("Note").fill("Belvidere line costs $650m");
    await screenshot(page, "03-edited-reopen-cost");
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Version 2 of 2").waitFor();

    // the diff against version 1 names the field that changed
    await page.getByLabel(/against/).selectOption({ label: "version 1" });
    await page.getByRole("table", { name: "Differences" }).getByText("openCost").waitFor();

    // run version 2 and watch it: the status moves on to Done, with the figures of the plan
    await page.getByRole("button", { name: "Run version 2" }).click();
    await page.getByRole("heading", { name: /version 2$/ }).waitFor();
    const seen = await watchStatuses(page);
    expect(seen.at(-1)).toBe("Done");
    expect(await page.getByLabel("Gap", { exact: true }).textContent()).toMatch(/%$/);
    await screenshot(page, "04-run-version-2");

    // compare: the NPV falls when the reopening costs more
    await page.getByRole("link", { name: "Compare with version 1" }).click();
    const figures = page.getByRole("table", { name: "Key figures" });
    await figures.waitFor();
    const npvRow = figures
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "NPV", exact: true }) });
    const cells = await npvRow.getByRole("cell").allTextContents();
    const [v1, v2, change] = cells.map((c) => c.trim());
    expect(v1).toMatch(/^−?€[\d,]+\.\dm$/);
    expect(millions(v2!)).toBeLessThan(millions(v1!));
    expect(change).toMatch(/^−€/);
    await screenshot(page, "05-compare-versions");

    // the results of version 2: the map, timeline, heat map, waterfall, landed cost and explanations
    await figures.getByRole("link", { name: /· v2$/ }).click();
    await page.getByRole("heading", { name: "NPV waterfall" }).waitFor();
    for (const chart of [/^Flows from plants/, /^Allocation timeline/, /^Utilisation/, /^NPV waterfall/]) {
      await page.getByRole("img", { name: chart }).waitFor();
    }
    expect(await page.getByText(/Belvidere.*reopens/).count()).toBeGreaterThan(0);
    expect(
      await page.getByRole("table", { name: "Landed cost per vehicle" }).getByRole("row").count(),
    ).toBeGreaterThan(1);
    await screenshot(page, "07-results-version-2");
  }, 300_000);

  it("compares runs solved within a gap: the NPV change is marked, and the interval between the optima given", async () => {
    const { page } = world();
    await page.goto("/#/scenarios");
    const scenarios = (await (await page.request.get("/api/projects/alfa-romeo/scenarios")).json()) as {
      id: string;
      fileName: string;
    }[];
    const idOf = (file: string) => scenarios.find((s) => s.fileName === file)!.id;
    // within 5 %, HiGHS stops at the root with bounds above its plans (test/plan/compare.test.ts)
    const runs: string[] = [];
    for (const file of ["italy-more-shifts.yaml", "reopen-belvidere-multi-source.yaml"]) {
      const started = await page.request.post(`/api/scenarios/${idOf(file)}/runs`, {
        data: { options: { mipRelGap: 0.05, explain: false } },
      });
      expect(started.status()).toBe(202);
      runs.push(((await started.json()) as { id: string }).id);
    }
    for (const id of runs)
      await expect
        .poll(
          async () =>
            ((await (await page.request.get(`/api/runs/${id}`)).json()) as { status: string }).status,
          {
            timeout: 120_000,
          },
        )
        .toBe("succeeded");
    const comparison = (await (await page.request.get(`/api/compare?runs=${runs.join(",")}`)).json()) as {
      npvChanges: { proven: boolean; least: number; most: number }[];
    };
    expect(comparison.npvChanges[0]!.proven).toBe(false);

    await page.goto(`/#/compare?runs=${runs.join(",")}`);
    const figures = page.getByRole("table", { name: "Key figures" });
    await figures.waitFor();
    const npvRow = figures
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "NPV", exact: true }) });
    expect((await npvRow.getByRole("cell").allTextContents()).at(-1)).toMatch(/^−€[\d,.]+m \(not proven\)$/);
    const note = page.getByRole("note", { name: "Proven NPV changes" });
    expect(await note.textContent()).toMatch(
      /are not proven optimal: the change in NPV is between the plans; between the scenarios' optima the solves prove .+ against .+: −€[\d,.]+m to −€[\d,.]+m\./,
    );
    // a plan's page says how far its scenario's optimum can lie above it
    await page.goto(`/#/results/${runs[0]}`);
    await page.getByRole("heading", { name: "NPV waterfall" }).waitFor();
    expect(await page.locator(".page-head").textContent()).toMatch(
      /optimal · gap [\d.]+% · the optimum at most €[\d,.]+m/,
    );
  }, 300_000);

  it("shows an inline validation message with its line for a bad edit", async () => {
    const { page } = world();
    await page.goto("/#/scenarios");
    await page.getByRole("link", { name: BELVIDERE }).click();
    const text = page.getByLabel("Scenario text (YAML)");
    const original = await text.inputValue();
    const line = original.split("\n").findIndex((l) => /^\s+maxShifts: \d+$/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    await text.fill(original.replace(/^(\s+maxShifts:) \d+$/m, "$1 lots"));
    const issues = page.getByRole("list", { name: "Validation issues" });
    await issues.waitFor();
    const issue = issues.getByRole("listitem").first();
    expect(await issue.textContent()).toContain(`Line ${line}`);
    expect(await issue.textContent()).toContain("maxShifts");
    expect(await issue.textContent()).toMatch(/expected a number/);
    expect(await page.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);
    await screenshot(page, "06-validation-message");

    // undoing the edit clears it
    await text.fill(original);
    await page.getByRole("status").filter({ hasText: "Valid" }).waitFor();
  }, 120_000);
});

/** The Status tile until it reads Done (or the run fails), collecting each value it showed. */
async function watchStatuses(page: World["page"]): Promise<string[]> {
  const status = page.getByLabel("Status", { exact: true });
  const seen: string[] = [];
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const now = ((await status.textContent().catch(() => "")) ?? "").trim();
    if (now && now !== seen.at(-1)) seen.push(now);
    if (now === "Done") return seen;
    if (now === "Failed" || now === "Cancelled") throw new Error(`the run ended ${now}: ${seen.join(" → ")}`);
    await page.waitForTimeout(100);
  }
  throw new Error(`the run did not finish: ${seen.join(" → ")}`);
}

/** "−€1,234.5m" → -1234.5 */
function millions(text: string): number {
  const n = Number(text.replace(/[€,m\s]/g, "").replace("−", "-"));
  if (!Number.isFinite(n)) throw new Error(`not an amount: ${text}`);
  return n;
}

/**
 * Prints the "Every parameter" and "Sources" sections of docs/alfa-case.md from the scenario files, so the
 * tables never drift from the data: `node --import tsx scripts/alfa-parameter-tables.ts`.
 * Each file's entries are listed as written (variants list only what they add or change).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

type Entry = Record<string, unknown>;
type Citation = { sources?: string[]; note?: string; assumption?: string };

const DIR = fileURLToPath(new URL("../data/scenarios/alfa/", import.meta.url));
const LISTS = ["plants", "programs", "markets", "demand", "lanes", "duties", "partsDuties"] as const;
const SKIP = new Set([
  "cite",
  "id",
  "name",
  "program",
  "market",
  "from",
  "to",
  "country",
  "countries",
  "status",
]);

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort((a, b) => Number(b === "base.yaml") - Number(a === "base.yaml") || a.localeCompare(b));
const docs = files.map((f) => ({ file: f, data: parse(readFileSync(join(DIR, f), "utf8")) as Entry }));

const out: string[] = [];
for (const { file, data } of docs) {
  const rows: string[][] = [];
  for (const [field, value] of Object.entries(data)) {
    const cite = (data.cite as Record<string, Citation> | undefined)?.[field];
    if (cite && hasNumber(value)) rows.push(["scenario", field, format(field, value), words(cite)]);
  }
  const logistics = data.logistics as
    | { modes?: Record<string, Entry>; cite?: Record<string, Citation> }
    | undefined;
  for (const [mode, rate] of Object.entries(logistics?.modes ?? {})) {
    const cite = logistics?.cite?.[`modes.${mode}`];
    rows.push([
      "logistics",
      mode,
      `€${rate.fixedPerVehicle} + €${rate.perKm}/km per vehicle`,
      cite ? words(cite) : "—",
    ]);
  }
  for (const list of LISTS) {
    for (const entry of (data[list] ?? []) as Entry[]) {
      const label = entryLabel(list, entry);
      const cites = (entry.cite ?? {}) as Record<string, Citation>;
      for (const [field, value] of Object.entries(entry)) {
        if (SKIP.has(field) || !hasNumber(value)) continue;
        const cite = cites[field];
        rows.push([label, field, format(field, value), cite ? words(cite) : "—"]);
      }
    }
  }
  out.push(`### ${file}`, "", "| entry | field | value | source or assumption |", "|---|---|---|---|");
  for (const row of rows) out.push(`| ${row.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
  out.push("");
}

out.push("## Sources", "", "| id | publisher | date | kind | URL |", "|---|---|---|---|---|");
const sources = new Map<string, Entry>();
for (const { data } of docs) for (const s of (data.sources ?? []) as Entry[]) sources.set(String(s.id), s);
for (const s of [...sources.values()].sort((a, b) => String(a.id).localeCompare(String(b.id)))) {
  const date = `${s.date}${s.dateIsApproximate ? " (approx.)" : ""}`;
  out.push(`| ${s.id} | ${s.publisher} | ${date} | ${s.kind} | ${s.url} |`);
}
process.stdout.write(`${out.join("\n")}\n`);

function hasNumber(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (value && typeof value === "object") return Object.values(value).some(hasNumber);
  return false;
}

function entryLabel(list: string, e: Entry): string {
  if (list === "demand") return `demand ${e.program}${e.market ? ` → ${e.market}` : ""}`;
  if (list === "lanes") return `lane ${e.from} → ${e.to}`;
  if (list === "partsDuties") return `parts duty ${e.id}`;
  return `${list.slice(0, -1).replace("dutie", "duty")} ${e.id}`;
}

function words(c: Citation): string {
  const leans = c.sources?.length ? ` (leans on ${c.sources.map((s) => `[${s}]`).join(" ")})` : "";
  if (c.assumption) return `**Assumption:** ${c.assumption}${leans}`;
  return `${(c.sources ?? []).map((s) => `[${s}]`).join(" ")}${c.note ? ` — ${c.note}` : ""}`;
}

function format(field: string, value: unknown): string {
  if (typeof value === "number") {
    if (field === "rate" || field === "discountRate" || field === "growth")
      return `${+(value * 100).toFixed(2)}%`;
    return field === "sop" ||
      field === "eop" ||
      field.endsWith("Year") ||
      field === "validFrom" ||
      field === "lat" ||
      field === "lon"
      ? String(value)
      : value.toLocaleString("en-US");
  }
  const v = value as Entry;
  if (field === "horizon") return `${v.start}–${v.end}`;
  if ("growth" in v)
    return `${Number(v.volume).toLocaleString("en-US")} in ${v.from}, ${+(Number(v.growth) * 100).toFixed(1)}%/yr`;
  if (field === "shares")
    return Object.entries(v)
      .map(([k, s]) => `${k} ${s}`)
      .join(", ");
  return yearRuns(v as Record<string, number>);
}

/** { "2026": 5, "2027": 5, "2028": 10 } → "2026–2027: 5, 2028: 10" */
function yearRuns(byYear: Record<string, number>): string {
  const runs: string[] = [];
  const years = Object.keys(byYear).sort();
  let start = years[0];
  for (let i = 0; i < years.length; i++) {
    const year = years[i]!;
    const next = years[i + 1];
    if (next !== undefined && byYear[next] === byYear[year] && Number(next) === Number(year) + 1) continue;
    runs.push(`${start === year ? year : `${start}–${year}`}: ${byYear[year]!.toLocaleString("en-US")}`);
    start = next;
  }
  return runs.join(", ");
}

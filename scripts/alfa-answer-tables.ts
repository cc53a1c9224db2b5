/**
 * Prints the measured tables of docs/alfa-case.md (the options compared, the break-evens) from the demo's JSON:
 * `node bin/portello.js demo --json > answer.json && node --import tsx scripts/alfa-answer-tables.ts answer.json`.
 */
import { readFileSync } from "node:fs";
import { builtAt, money, optionOf, unmetShare, valueWords } from "../src/analysis/answer-words.js";
import type { AnswerJson } from "../src/analysis/question.js";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node --import tsx scripts/alfa-answer-tables.ts <demo --json output>\n");
  process.exit(2);
}
const a = JSON.parse(readFileSync(file, "utf8")) as AnswerJson;
const winner = optionOf(a, a.winner);
const cars = (n: number) => Math.round(n).toLocaleString("en-US");
const out: string[] = [];

const { start, end } = a.scenario.horizon;
out.push(`| option | ${a.programName} built at | NPV ${start}–${end} | vs winner | served | unmet |`);
out.push("|---|---|---|---|---|---|");
for (const o of a.options) {
  const vs = o.scenario === a.winner ? "winner" : money(a, o.npv - winner.npv).replace("-", "−");
  out.push(
    `| ${o.name}${o.role === "reference" ? " (today)" : ""} | ${builtAt(o)} | ${money(a, o.npv)} | ${vs} | ` +
      `${cars(o.volumes.served)} | ${cars(o.volumes.unmet)} (${unmetShare(o)}) |`,
  );
}
out.push("");
out.push("| parameter | baseline | basis | break-even bracket | flips to |");
out.push("|---|---|---|---|---|");
for (const p of a.parameters) {
  const basis = p.isAssumption ? "assumption" : "**sourced**";
  const range = p.search ? `${valueWords(a, p, p.search.from)}–${valueWords(a, p, p.search.to)}` : "";
  const bracket =
    p.breakEvens.length === 0
      ? `no flip in ${range}`
      : p.breakEvens
          .map((b) => `holds at ${valueWords(a, p, b.holds)}, flips at ${valueWords(a, p, b.flips)}`)
          .join("; ");
  const to = [...new Set(p.breakEvens.map((b) => optionOf(a, b.winner).name))].join("; ") || "—";
  out.push(`| ${p.label} | ${valueWords(a, p, p.baseline)} | ${basis} | ${bracket} | ${to} |`);
}
out.push("");
out.push("Values tried:");
for (const p of a.parameters)
  for (const t of p.tries)
    out.push(
      `- ${p.label} ${valueWords(a, p, t.value)}${t.label ? ` (${t.label})` : ""}: ${t.flips ? "flips" : "holds"}, ` +
        `"${optionOf(a, t.winner).name}" ahead by ${money(a, t.lead)}`,
    );
process.stdout.write(`${out.join("\n")}\n`);

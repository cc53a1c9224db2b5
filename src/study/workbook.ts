import {
  addSummary,
  addTable,
  MONEY_FORMAT,
  moneyField,
  type Field,
  type SummaryRow,
  type WorkbookWriter,
  workbookBytes,
  writeWorkbookFile,
} from "../domain/formats/xlsx/sheet-writer.js";
import type { PointResult, StudyReport } from "./report.js";
import { distributionWords } from "./words.js";

/**
 * A study's report as a workbook, for the analyst who takes it on into a spreadsheet: the answer, the options
 * compared (win probabilities and regrets with the intervals the solves prove), every Monte Carlo sample, the
 * parameters with their sources, and the tornado, grid and break-evens where the study ran them. Values are
 * numbers; formats only change how they look.
 */

const SHARE = "0.0%";

export function fillStudyWorkbook(writer: WorkbookWriter, r: StudyReport): void {
  const c = r.study.currency;
  const money = moneyField(c);
  const label = (id: string | null) => (id === null ? "" : (r.options.find((o) => o.id === id)?.label ?? id));
  const mc = r.monteCarlo;

  const summary: SummaryRow[] = [
    ["study", r.study.id],
    ["question", r.study.question],
    ["seed", r.study.seed],
    ["baseline: best option", label(r.baseline.winner)],
    ["baseline: proven best", r.baseline.winner === null ? "" : r.baseline.winnerProven ? "yes" : "no"],
  ];
  if (mc) {
    summary.push(
      ["Monte Carlo samples", mc.samples],
      ["sampling", mc.sampling],
      ["samples where every option solved to optimality", mc.complete],
      ["of them, samples whose best option the solves leave open", mc.undecided],
    );
    const h = mc.headline;
    if (h) {
      summary.push(
        [`P(an option answering "${h.answer}" is best)`, h.probability, SHARE],
        ["  proven by the solves", h.probabilityRange[0], SHARE],
        ["  not ruled out by the solves", h.probabilityRange[1], SHARE],
        ["  Wilson 95% interval, from", h.interval[0], SHARE],
        ["  Wilson 95% interval, to", h.interval[1], SHARE],
      );
      if (h.against && h.beats !== null)
        summary.push([`P(its best option beats the best answering "${h.against}")`, h.beats, SHARE]);
      if (h.lead)
        summary.push(
          [`lead over "${h.against ?? "the rest"}", median (${c})`, h.lead.p50, MONEY_FORMAT],
          [`lead, P5 (${c})`, h.lead.p5, MONEY_FORMAT],
          [`lead, P95 (${c})`, h.lead.p95, MONEY_FORMAT],
        );
    }
    summary.push(["least maximum regret", label(mc.minMaxRegret)]);
  }
  summary.push(["solves", r.run.solves], ["engine", r.run.engine]);
  addSummary(writer, summary, 56);

  if (mc) {
    type Option = (typeof mc.options)[number];
    addTable<Option>(
      writer,
      "Options",
      [
        { header: "option", value: (o) => label(o.id) },
        { header: "answer", value: (o) => r.options.find((x) => x.id === o.id)?.answer ?? "" },
        { header: "P(best)", value: (o) => o.probabilityBest, numFmt: SHARE },
        { header: "P(best), proven", value: (o) => o.probabilityBestRange[0], numFmt: SHARE },
        { header: "P(best), not ruled out", value: (o) => o.probabilityBestRange[1], numFmt: SHARE },
        money("NPV mean", (o) => o.npv?.mean),
        money("NPV sd", (o) => o.npv?.sd),
        money("NPV P5", (o) => o.npv?.p5),
        money("NPV P50", (o) => o.npv?.p50),
        money("NPV P95", (o) => o.npv?.p95),
        money("expected regret", (o) => o.expectedRegret),
        money("expected regret, at least", (o) => o.expectedRegretRange[0]),
        money("expected regret, at most", (o) => o.expectedRegretRange[1]),
        money("max regret", (o) => o.maxRegret),
        money("max regret, at least", (o) => o.maxRegretRange[0]),
        money("max regret, at most", (o) => o.maxRegretRange[1]),
      ],
      mc.options,
    );

    type Draw = (typeof mc.draws)[number];
    addTable<Draw>(
      writer,
      "Samples",
      [
        { header: "sample", value: (d) => d.sample },
        ...r.parameters.map((p): Field<Draw> => ({ header: p.label, value: (d) => d.values[p.id] })),
        ...r.options.flatMap((o): Field<Draw>[] => [
          money(`NPV ${o.label}`, (d) => d.npv[o.id]),
          money(`at most ${o.label}`, (d) => d.bound[o.id]),
          { header: `status ${o.label}`, value: (d) => d.statuses[o.id] },
        ]),
        { header: "best", value: (d) => label(d.winner) },
        { header: "proven best", value: (d) => (d.winner === null ? "" : d.winnerProven ? "yes" : "no") },
      ],
      mc.draws,
    );
  }

  type Parameter = StudyReport["parameters"][number];
  addTable<Parameter>(
    writer,
    "Parameters",
    [
      { header: "parameter", value: (p) => p.label },
      { header: "path", value: (p) => p.path },
      { header: "mode", value: (p) => p.mode },
      { header: "unit", value: (p) => p.unit },
      { header: "distribution", value: (p) => distributionWords(p) },
      { header: "today", value: (p) => p.baseline },
      { header: "basis", value: (p) => p.basis, width: 60 },
    ],
    r.parameters,
  );

  const parameterLabel = (id: string) => r.parameters.find((p) => p.id === id)?.label ?? id;
  if (r.tornado) {
    const t = r.tornado;
    const measure = t.metric === "lead" ? "lead" : "best NPV";
    const of = (p: PointResult) =>
      t.metric === "lead" ? p.lead : p.winner === null ? null : p.npv[p.winner];
    type Row = (typeof t.rows)[number];
    addTable<Row>(
      writer,
      "Tornado",
      [
        { header: "parameter", value: (row) => parameterLabel(row.parameter) },
        { header: `value at P${t.low * 100}`, value: (row) => row.low.values[row.parameter] },
        money(`${measure} at P${t.low * 100}`, (row) => of(row.low)),
        { header: `best at P${t.low * 100}`, value: (row) => label(row.low.winner) },
        { header: `value at P${t.high * 100}`, value: (row) => row.high.values[row.parameter] },
        money(`${measure} at P${t.high * 100}`, (row) => of(row.high)),
        { header: `best at P${t.high * 100}`, value: (row) => label(row.high.winner) },
        money("swing", (row) => row.swing),
      ],
      t.rows,
    );
  }

  if (r.grid) {
    const grid = r.grid;
    addTable<PointResult>(
      writer,
      "Grid",
      [
        ...grid.parameters.map(
          (id): Field<PointResult> => ({ header: parameterLabel(id), value: (p) => p.values[id] }),
        ),
        ...r.options.map((o) => money(`NPV ${o.label}`, (p: PointResult) => p.npv[o.id])),
        { header: "best", value: (p) => label(p.winner) },
        { header: "proven best", value: (p) => (p.winner === null ? "" : p.winnerProven ? "yes" : "no") },
        money("lead", (p) => p.lead),
      ],
      grid.points,
      grid.parameters.length,
    );
  }

  if (r.breakEvens) {
    const rows = r.breakEvens.flatMap((b) => b.sides.map((side) => ({ b, side })));
    type Row = (typeof rows)[number];
    addTable<Row>(
      writer,
      "Break-evens",
      [
        { header: "parameter", value: ({ b }) => parameterLabel(b.parameter) },
        { header: "today", value: ({ b }) => b.baseline },
        { header: "searched towards", value: ({ side }) => side.end },
        { header: "holds at", value: ({ side }) => side.holds },
        { header: "flips at", value: ({ side }) => side.flips },
        { header: "to", value: ({ side }) => (side.winner ? label(side.winner) : "") },
        { header: "stopped at", value: ({ side }) => side.stoppedAt },
        { header: "stopped because", value: ({ side }) => side.stoppedBy },
      ],
      rows,
    );
  }
}

export function studyWorkbookBytes(report: StudyReport): Promise<Uint8Array> {
  return workbookBytes((writer) => fillStudyWorkbook(writer, report));
}

export async function writeStudyWorkbookFile(
  report: StudyReport,
  path: string,
  overwrite = false,
): Promise<void> {
  await writeWorkbookFile(path, (writer) => fillStudyWorkbook(writer, report), overwrite);
}

import { useEffect, useState } from "react";
import { formatValue, withInterval } from "../../../../src/analysis/parameters.js";
import type { ParameterUnit } from "../../../../src/domain/question.js";
import { api } from "../../api/client.js";
import type { StudyRecord, StudyReport } from "../../api/types.js";
import { BarChart } from "../../components/charts/BarChart.js";
import { ErrorNote, Loaded } from "../../components/Status.js";
import { TableHead } from "../../components/TableHead.js";
import { ViewerNote } from "../../components/ViewerNote.js";
import { colorScale } from "../../lib/colors.js";
import { money } from "../../lib/format.js";
import { mayEdit } from "../../lib/roles.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { Histograms, Tornado } from "./charts.js";
import { GridSweep } from "./grid.js";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

interface Progress {
  status: string;
  done: number;
  total: number;
  phase?: { phase: string; done: number; total: number };
}

/** One study: its progress while it runs (server-sent events), then its report. */
export function StudyView({ studyId }: { studyId: string }) {
  const progress = useStudyEvents(studyId);
  const [cancelError, setCancelError] = useState<Error>();
  // the caller's role in the study's project: a viewer follows it, only an editor may cancel it
  const study = useAsync((signal) => api.study(studyId, signal), [studyId]);
  const role = study.status === "ready" ? study.value.role : undefined;
  const finished = progress !== undefined && FINISHED.has(progress.status);
  return (
    <div>
      <p className="crumbs">
        <a href={link("studies")}>Studies</a> / {studyId}
      </p>
      <section className="panel" aria-label="Progress">
        {progress === undefined ? (
          <p className="muted" role="status">
            Connecting…
          </p>
        ) : (
          <>
            <p>
              Status: <output aria-label="Study status">{progress.status}</output> ·{" "}
              <output aria-label="Solves done">
                {progress.done} of {progress.total}
              </output>{" "}
              solves
              {progress.phase && !finished
                ? ` · ${progress.phase.phase} ${progress.phase.done}/${progress.phase.total}`
                : ""}
            </p>
            {!finished && (
              <>
                <progress
                  aria-label="Study progress"
                  max={Math.max(1, progress.total)}
                  value={progress.done}
                />{" "}
                {role && mayEdit(role) && (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => api.cancelStudy(studyId).catch(setCancelError)}
                  >
                    Cancel study
                  </button>
                )}
                {role && <ViewerNote role={role} />}
              </>
            )}
            {"failureReason" in progress && progress.failureReason ? (
              <ErrorNote error={`The study ${progress.status}: ${String(progress.failureReason)}`} />
            ) : null}
            {cancelError && <ErrorNote error={cancelError} />}
          </>
        )}
      </section>
      {progress?.status === "succeeded" && <Report studyId={studyId} />}
    </div>
  );
}

/** Follows the study's event stream: `progress` while it runs, `end` with the study. */
function useStudyEvents(studyId: string): (Progress & { failureReason?: string }) | undefined {
  const [progress, setProgress] = useState<Progress & { failureReason?: string }>();
  useEffect(() => {
    setProgress(undefined);
    const source = new EventSource(api.studyEventsUrl(studyId));
    source.addEventListener("progress", (m: MessageEvent<string>) =>
      setProgress(JSON.parse(m.data) as Progress),
    );
    source.addEventListener("end", (m: MessageEvent<string>) => {
      const study = JSON.parse(m.data) as StudyRecord;
      source.close();
      setProgress({
        status: study.status,
        done: study.done,
        total: study.total,
        ...(study.failureReason ? { failureReason: study.failureReason } : {}),
      });
    });
    return () => source.close();
  }, [studyId]);
  return progress;
}

function Report({ studyId }: { studyId: string }) {
  const state = useAsync((signal) => api.studyReport(studyId, signal), [studyId]);
  return (
    <Loaded state={state}>
      {(report) => (
        <>
          <p>
            <a href={api.studyWorkbookUrl(studyId)} download>
              Download the report as a workbook (.xlsx)
            </a>
          </p>
          <ReportBody r={report} />
        </>
      )}
    </Loaded>
  );
}

function ReportBody({ r }: { r: StudyReport }) {
  const currency = r.study.currency;
  const label = (id: string) => r.options.find((o) => o.id === id)?.label ?? id;
  const parameter = (id: string) => r.parameters.find((p) => p.id === id)!;
  const value = (id: string, v: number) =>
    formatValue(parameter(id).unit as ParameterUnit, v, parameter(id).currency ?? currency);
  const color = colorScale(r.options.map((o) => o.id));
  const mc = r.monteCarlo;
  const h = mc?.headline;
  return (
    <>
      <h1>{r.study.question}</h1>
      {mc && h && (
        <section className="panel" aria-label="Answer under uncertainty">
          <p className="answer-word">
            <output aria-label="Probability of the headline answer">{pct(h.probability)}</output>
          </p>
          <p>
            In {mc.complete} of {mc.samples} samples solved to optimality, an option answering “{h.answer}” is
            best (95% interval {pct(h.interval[0])}–{pct(h.interval[1])}).
            {h.against && h.beats !== null && h.lead
              ? ` Its best option beats the best answering “${h.against}” in ${withInterval(h.beats, h.beatsRange, pct)} of them; its lead over it is ${money(h.lead.p50, currency)} at the median (P5 ${money(h.lead.p5, currency)}, P95 ${money(h.lead.p95, currency)}).`
              : ""}
          </p>
          {mc.undecided > 0 && h.probabilityRange && (
            <p className="error">
              The solves' gaps leave {mc.undecided} samples undecided: the solves prove{" "}
              {pct(h.probabilityRange[0])} and do not rule out {pct(h.probabilityRange[1])}. Intervals in
              brackets below are what the solves prove.
            </p>
          )}
          {mc.complete < mc.samples && (
            <p className="error">
              {mc.samples - mc.complete} samples had an option that did not solve to optimality; they are left
              out.
            </p>
          )}
        </section>
      )}
      {mc && (
        <section className="panel" aria-label="Options under uncertainty">
          <h2>Win probabilities and NPV distributions</h2>
          <BarChart
            title="Probability of being the best option"
            bars={mc.options.map((o) => ({
              label: label(o.id),
              value: o.probabilityBest,
              color: color(o.id),
            }))}
            format={pct}
          />
          <Histograms report={r} label={label} color={color} />
          <table className="data" aria-label="Options compared">
            <TableHead
              columns={[
                "Option",
                "Answer",
                { label: "P(best)", num: true },
                { label: "NPV mean", num: true },
                { label: "P5", num: true },
                { label: "P50", num: true },
                { label: "P95", num: true },
                { label: "Expected regret", num: true },
                { label: "Max regret", num: true },
              ]}
            />
            <tbody>
              {mc.options.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    {label(o.id)}
                    {mc.minMaxRegret === o.id ? " (least max regret)" : ""}
                  </th>
                  <td>{r.options.find((x) => x.id === o.id)?.answer ?? ""}</td>
                  <td className="num">{withInterval(o.probabilityBest, o.probabilityBestRange, pct)}</td>
                  <td className="num">{o.npv ? money(o.npv.mean, currency) : "—"}</td>
                  <td className="num">{o.npv ? money(o.npv.p5, currency) : "—"}</td>
                  <td className="num">{o.npv ? money(o.npv.p50, currency) : "—"}</td>
                  <td className="num">{o.npv ? money(o.npv.p95, currency) : "—"}</td>
                  <td className="num">
                    {withInterval(o.expectedRegret, o.expectedRegretRange, (v) => money(v, currency))}
                  </td>
                  <td className="num">
                    {withInterval(o.maxRegret, o.maxRegretRange, (v) => money(v, currency))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {r.tornado && (
        <section className="panel" aria-label="Tornado">
          <h2>
            Tornado:{" "}
            {r.tornado.metric === "lead" ? `lead of “${r.study.headline?.answer}”` : "best option's NPV"} at P
            {r.tornado.low * 100} and P{r.tornado.high * 100}
          </h2>
          <Tornado
            report={r}
            label={(id) => parameter(id).label}
            format={(v) => money(v, currency)}
            value={value}
          />
        </section>
      )}
      {r.grid && <GridSweep report={r} label={label} color={color} value={value} />}
      {r.breakEvens && (
        <section className="panel" aria-label="Break-evens">
          <h2>Break-evens</h2>
          <table className="data" aria-label="Break-evens">
            <TableHead columns={["Parameter", "Baseline", "Searched", "Where the answer flips"]} />
            <tbody>
              {r.breakEvens.map((b) => (
                <tr key={b.parameter}>
                  <th scope="row">{parameter(b.parameter).label}</th>
                  <td>{value(b.parameter, b.baseline)}</td>
                  <td>
                    {value(b.parameter, b.from)}–{value(b.parameter, b.to)}
                  </td>
                  <td>
                    {b.sides
                      .map((s) =>
                        s.holds !== undefined && s.flips !== undefined
                          ? `holds at ${value(b.parameter, s.holds)}, flips at ${value(b.parameter, s.flips)} to “${label(s.winner!)}”`
                          : s.stoppedAt !== undefined
                            ? `stopped at ${value(b.parameter, s.stoppedAt)} (${s.stoppedBy})`
                            : `no flip up to ${value(b.parameter, s.end)}`,
                      )
                      .join("; ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {mc?.decisions.some((d) => d.changes) && (
        <section className="panel" aria-label="Decisions that change">
          <h2>Decisions that change across samples</h2>
          <ul>
            {mc.decisions
              .filter((d) => d.changes)
              .map((d) => (
                <li key={`${d.option}/${d.key}`}>
                  {label(d.option)} — {d.label} {d.values.map((v) => `${v.words} ${pct(v.share)}`).join(", ")}
                </li>
              ))}
          </ul>
        </section>
      )}
      {mc && <Samples report={r} label={label} value={value} />}
    </>
  );
}

/** Every Monte Carlo sample, a page at a time. */
function Samples({
  report,
  label,
  value,
}: {
  report: StudyReport;
  label: (id: string) => string;
  value: (id: string, v: number) => string;
}) {
  const [shown, setShown] = useState(50);
  const mc = report.monteCarlo!;
  const currency = report.study.currency;
  return (
    <section className="panel" aria-label="Samples">
      <h2>Samples</h2>
      <div className="table-scroll">
        <table className="data" aria-label="Samples table">
          <TableHead
            columns={[
              { label: "#", num: true },
              ...report.parameters.map((p) => ({ label: p.label, key: p.id })),
              ...report.options.map((o) => ({ label: `NPV ${o.label}`, num: true, key: o.id })),
              "Best",
            ]}
          />
          <tbody>
            {mc.draws.slice(0, shown).map((d) => (
              <tr key={d.sample}>
                <td className="num">{d.sample}</td>
                {report.parameters.map((p) => (
                  <td key={p.id}>{d.values[p.id] === undefined ? "" : value(p.id, d.values[p.id]!)}</td>
                ))}
                {report.options.map((o) => (
                  <td key={o.id} className="num">
                    {d.npv[o.id] === null || d.npv[o.id] === undefined
                      ? (d.statuses[o.id] ?? "—")
                      : money(d.npv[o.id]!, currency)}
                  </td>
                ))}
                <td>
                  {d.winner ? `${label(d.winner)}${d.winnerProven === false ? " (not proven)" : ""}` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown < mc.draws.length && (
        <button type="button" onClick={() => setShown((n) => n + 200)}>
          Show more ({mc.draws.length - shown} left)
        </button>
      )}
    </section>
  );
}

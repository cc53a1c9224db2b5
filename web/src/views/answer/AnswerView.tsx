import {
  ANSWER_WORD,
  breakEvenWords,
  builtAt,
  conditions,
  headline,
  optionOf,
  unmetShare,
  valueWords,
} from "../../../../src/analysis/answer-words.js";
import { api } from "../../api/client.js";
import type { StoredAnswer } from "../../api/types.js";
import { BarChart } from "../../components/charts/BarChart.js";
import { Loaded } from "../../components/Status.js";
import { dateTime, money, moneyDelta, vehicles } from "../../lib/format.js";
import { link } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { TableHead } from "../../components/TableHead.js";

/** The project whose answer the app opens on: the built-in one that `npm start` answers. */
const PROJECT = "alfa-romeo";

/** The seed question, answered: what `portello demo --save` stored, with links to each option's run. */
export function AnswerView() {
  const state = useAsync((signal) => api.answer(PROJECT, signal), []);
  return (
    <div className="answer">
      <Loaded state={state}>{(stored) => (stored ? <Answer stored={stored} /> : <NoAnswer />)}</Loaded>
    </div>
  );
}

function NoAnswer() {
  return (
    <>
      <h1>The seed question</h1>
      <p className="muted">
        No answer is stored yet. Run <code>portello demo --save</code> (<code>npm start</code> does it), then
        reload. Meanwhile, the <a href={link("scenarios")}>scenarios</a> can be run one by one.
      </p>
    </>
  );
}

function Answer({ stored }: { stored: StoredAnswer }) {
  const a = stored.content;
  const currency = a.scenario.currency;
  const winner = optionOf(a, a.winner);
  const { holds, steady } = conditions(a);
  const runOf = (scenario: string) => a.runs?.[scenario];
  return (
    <>
      <p className="eyebrow">The seed question · answered {dateTime(stored.createdAt)}</p>
      <h1>{a.question}</h1>
      <section aria-label="Answer" className="panel answer-headline">
        <p className="answer-word">{ANSWER_WORD[a.answer]}</p>
        {headline(a).map((line) => (
          <p key={line}>{line}</p>
        ))}
        {holds.length > 0 ? (
          <>
            <p>The answer holds while:</p>
            <ul aria-label="Conditions">
              {holds.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>No tested parameter flips the answer within the ranges searched.</p>
        )}
        {steady.length > 0 && <p className="muted">It does not depend on: {steady.join("; ")}.</p>}
      </section>

      <section className="panel">
        <h2>The options compared</h2>
        <div className="table-scroll">
          <table className="data" aria-label="Options compared">
            <TableHead
              columns={[
                "Option",
                `${a.programName} built at`,
                "Answer",
                { label: "NPV", num: true },
                { label: "vs winner", num: true },
                { label: "Served", num: true },
                { label: "Unmet", num: true },
                "Plan",
              ]}
            />
            <tbody>
              {a.options.map((o) => (
                <tr key={o.scenario} className={o.scenario === a.winner ? "strong" : undefined}>
                  <th scope="row">
                    {o.name}
                    {o.role === "reference" ? " (today)" : ""}
                  </th>
                  <td>{builtAt(o)}</td>
                  <td>{ANSWER_WORD[o.answer]}</td>
                  <td className="num">{money(o.npv, currency)}</td>
                  <td className="num">
                    {o.scenario === a.winner ? "winner" : moneyDelta(o.npv - winner.npv, currency)}
                  </td>
                  <td className="num">{vehicles(o.volumes.served)}</td>
                  <td className="num">
                    {vehicles(o.volumes.unmet)} ({unmetShare(o)})
                  </td>
                  <td>{runOf(o.scenario) ? <a href={link("results", runOf(o.scenario)!)}>plan</a> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <BarChart
          title="NPV by option"
          bars={a.options
            .filter((o) => o.role === "option")
            .map((o) => ({
              label: o.name,
              value: o.npv,
              color: o.scenario === a.winner ? "#0072b2" : "#9aa5b1",
            }))}
          format={(v) => money(v, currency)}
        />
        {Object.keys(a.runs ?? {}).length > 1 && (
          <p>
            <a
              href={`${link("compare")}?runs=${a.options
                .map((o) => runOf(o.scenario))
                .filter(Boolean)
                .join(",")}`}
            >
              Compare the plans side by side
            </a>
          </p>
        )}
        <h3>What each option leaves unserved</h3>
        <ul>
          {a.options
            .filter((o) => o.role === "option")
            .map((o) => (
              <li key={o.scenario}>
                {o.name}:{" "}
                {o.volumes.unmetByProgram.length === 0
                  ? "all demand served"
                  : o.volumes.unmetByProgram.map((u) => `${u.name} ${vehicles(u.volume)}`).join("; ")}
              </li>
            ))}
        </ul>
      </section>

      <section className="panel">
        <h2>Sensitivity and break-evens</h2>
        <p className="muted">
          Each value re-solves the options within {(a.contenderGap * 100).toFixed(0)}% of the winner. A
          break-even is bracketed by bisection on re-solves: the answer holds at the first value and flips at
          the second.
        </p>
        <div className="table-scroll">
          <table className="data" aria-label="Break-evens">
            <TableHead columns={["Parameter", "Baseline", "Basis", "Values tried", "Break-even"]} />
            <tbody>
              {a.parameters.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.label}</th>
                  <td>{valueWords(a, p, p.baseline)}</td>
                  <td title={p.basis}>{p.isAssumption ? "assumption" : "sourced"}</td>
                  <td>
                    {p.tries.map((t) => (
                      <div key={t.value}>
                        {valueWords(a, p, t.value)}
                        {t.label ? ` (${t.label})` : ""}: {t.flips ? "flips" : "holds"}, lead{" "}
                        {money(t.lead, currency)}
                      </div>
                    ))}
                  </td>
                  <td>{breakEvenWords(a, p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel">
        <h2>Caveats</h2>
        <ul aria-label="Caveats">
          {a.caveats.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <h3>Context</h3>
        <ul>
          {a.context.map((fact) => (
            <li key={fact.text}>
              {fact.text}{" "}
              {fact.sources.map((s) => (
                <a key={s.id} href={s.url} target="_blank" rel="noreferrer" className="source-link">
                  [{s.publisher}, {s.date}]
                </a>
              ))}
            </li>
          ))}
        </ul>
        <p className="muted">
          {a.solves} solves to proven optimality in {a.seconds.toFixed(1)} s. Every parameter's source or
          assumption: docs/alfa-case.md.
        </p>
      </section>
    </>
  );
}

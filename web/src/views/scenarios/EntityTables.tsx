import { useState } from "react";
import { money, percent } from "../../lib/format.js";
import { type Column, TABLES, type TableSpec } from "./columns.js";
import type { Row } from "./document.js";

interface Props {
  lists: Record<string, Row[]>;
  currency: string;
  /** a variant's tables hold only what it adds or overrides */
  extendsFile?: string;
  onEdit: (list: string, index: number, field: string, value: string | number) => void;
}

/** The scenario's entity lists as tables, one tab each; editable cells write back into the text. */
export function EntityTables({ lists, currency, extendsFile, onEdit }: Props) {
  const [active, setActive] = useState(TABLES[0]!.list);
  const table = TABLES.find((t) => t.list === active) ?? TABLES[0]!;
  const rows = lists[table.list] ?? [];
  return (
    <section className="panel" aria-label="Scenario tables">
      <div role="tablist" aria-label="Entity lists" className="tabs">
        {TABLES.map((t) => (
          <button
            key={t.list}
            type="button"
            role="tab"
            aria-selected={t.list === active}
            onClick={() => setActive(t.list)}
          >
            {t.title} <span className="count">{lists[t.list]?.length ?? 0}</span>
          </button>
        ))}
      </div>
      {extendsFile && (
        <p className="muted small">
          This scenario extends <code>{extendsFile}</code>: the tables show only what it adds or overrides
          (merged by id).
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted">
          No {table.title.toLowerCase()} in this version{extendsFile ? " (inherited unchanged)" : ""}.
        </p>
      ) : (
        <EntityTable table={table} rows={rows} currency={currency} onEdit={onEdit} />
      )}
    </section>
  );
}

function EntityTable({
  table,
  rows,
  currency,
  onEdit,
}: {
  table: TableSpec;
  rows: Row[];
  currency: string;
  onEdit: Props["onEdit"];
}) {
  return (
    <div className="table-scroll">
      <table className="data">
        <caption className="sr-only">{table.title}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.field} scope="col" className={isNumeric(c) ? "num" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const key = table.key(row, i);
            return (
              <tr key={key}>
                {table.columns.map((c) => (
                  <td key={c.field} className={isNumeric(c) ? "num" : undefined}>
                    {c.edit ? (
                      <EditableCell
                        column={c}
                        value={row[c.field]}
                        label={`${c.label} of ${key}`}
                        currency={currency}
                        onCommit={(v) => onEdit(table.list, i, c.field, v)}
                      />
                    ) : (
                      display(c, row[c.field], currency)
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** An input holding the raw value; it writes on Enter or when focus leaves, and only when changed. */
function EditableCell({
  column,
  value,
  label,
  currency,
  onCommit,
}: {
  column: Column;
  value: unknown;
  label: string;
  currency: string;
  onCommit: (value: string | number) => void;
}) {
  const shown = value === undefined || value === null ? "" : String(value);
  const [draft, setDraft] = useState(shown);
  const [lastShown, setLastShown] = useState(shown);
  if (shown !== lastShown) {
    // the text changed underneath (typed in the editor): follow it
    setLastShown(shown);
    setDraft(shown);
  }
  const commit = () => {
    if (draft === shown || draft.trim() === "") return;
    const n = Number(draft.replace(/[_,\s]/g, ""));
    onCommit(isNumeric(column) && Number.isFinite(n) ? n : draft);
  };
  const hint = column.kind === "money" && typeof value === "number" ? money(value, currency) : undefined;
  return (
    <span className="cell-edit">
      <input
        aria-label={label}
        value={draft}
        inputMode={isNumeric(column) ? "decimal" : undefined}
        size={Math.max(4, Math.min(24, draft.length + 1))}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setDraft(shown);
        }}
      />
      {hint && <span className="cell-hint">{hint}</span>}
    </span>
  );
}

function isNumeric(c: Column): boolean {
  return c.kind === "number" || c.kind === "money" || c.kind === "rate";
}

function display(c: Column, value: unknown, currency: string): string {
  if (value === undefined || value === null) return "";
  if (c.kind === "money" && typeof value === "number") return money(value, currency);
  if (c.kind === "rate" && typeof value === "number") return percent(value, 1);
  if (Array.isArray(value)) return value.join(", ");
  if (c.kind === "summary" && typeof value === "object") return summarise(value as Record<string, unknown>);
  return String(value);
}

/** A volume spec in a few words: "2028: 12,000 … 2037: 30,000" or "40,000 from 2029, +5%/yr". */
function summarise(spec: Record<string, unknown>): string {
  if (typeof spec.volume === "number") {
    const growth =
      typeof spec.growth === "number" ? `, ${spec.growth >= 0 ? "+" : ""}${percent(spec.growth, 1)}/yr` : "";
    return `${spec.volume.toLocaleString("en-GB")} from ${spec.from}${growth}`;
  }
  const years = Object.keys(spec).sort();
  if (years.length === 0) return "";
  const at = (y: string) => `${y}: ${Number(spec[y]).toLocaleString("en-GB")}`;
  return years.length === 1 ? at(years[0]!) : `${at(years[0]!)} … ${at(years[years.length - 1]!)}`;
}

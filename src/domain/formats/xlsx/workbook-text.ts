import { Citation } from "../../provenance.js";
import { type Column, columnsOfObject, SHEETS, type WorkbookLayout } from "./layout.js";
import type { SheetColumn } from "./sheet-writer.js";

/** The fixed texts of a scenario workbook: its README, and the columns of Citations and Remove. */

/** Citations: table, entry, field, then the citation's own fields (from the schema). */
export function citationColumns(): Column[] {
  const fixed = ["table", "entry", "field"].map((label): Column => ({ path: [], label, kind: "text" }));
  return [...fixed, ...columnsOfObject(Citation)];
}

export const REMOVE_COLUMNS: SheetColumn[] = [
  {
    header: "table",
    note: "the list to remove from: plants, programs, markets, demand, lanes, duties, policies, sources, regions",
    width: 16,
  },
  { header: "entry", note: "the id; demand 'program → market'; lanes 'from → to'", width: 40 },
];

export function readmeLines(layout: WorkbookLayout, options: { patch: boolean; currency: string }): string[] {
  const tables = [...layout.entities.map((t) => t.sheet), ...layout.keyed.map((t) => t.sheet)];
  return [
    "# A Portello scenario",
    options.patch
      ? "This workbook holds only the differences from a base scenario (Settings › extends). An empty cell leaves the base's value; new ids are added; the Remove sheet deletes base entries."
      : "This workbook is a complete scenario. Read it back with `portello excel import <file.xlsx>`, check it with `portello validate <file.xlsx>`, or upload it in the web app as a new version.",
    "",
    "# How to fill it in",
    `Money is in ${options.currency} (Settings › currency), in real terms. Volumes are vehicles per year. Rates show as percentages; typing 15% stores 0.15.`,
    "Row 1 of every sheet is the header: keep it. Each following row is one entry; empty rows are skipped. The units are in the headers, and each header's note says what the column means.",
    "Lists (platforms, countries, built at…) are values separated by commas: IT, DE, FR. Pairs (platform conversion, shares, reserved volume…) are written key: value; key: value — for example europe: 0.6; north-america: 0.4.",
    "Drop-down lists offer the allowed values and the ids of other sheets (plants, programs, markets).",
    "Demand: one row per program and market (or per program with shares instead of a market). Give the volume either in the year columns, or as volume from / volume / volume growth (/ volume to) — not both.",
    "Settings: one row per field; leave a value empty to use the default.",
    "Citations: every number should cite its sources or be an assumption with its reasoning (10+ characters). One row per cited field: table (plants, demand…), entry (its id; demand 'program → market'; lanes 'from → to'), field.",
    "",
    "# What Portello does with what you type",
    "Numbers typed as text are read as numbers, also with thousands separators (12,500 or 12 500); 12.500 is refused as ambiguous. Formulas are read as their last computed value (save the file in Excel or LibreOffice first). Dates in text columns (source dates) are read as YYYY-MM-DD.",
    "Merged cells: a range merged down one column gives its value to every row; a range merged across columns is refused. Hidden sheets are read like visible ones. Other sheets you add are ignored, unless their name is a near-miss of one of Portello's.",
    "A column whose header Portello does not know is refused, with the closest known header. Every problem is reported at once, with its sheet and cell, e.g. Plants!E4.",
    "",
    "# Sheets",
    `${[SHEETS.settings, ...tables, SHEETS.citations, ...(options.patch ? [SHEETS.remove] : [])].join(", ")}.`,
  ];
}

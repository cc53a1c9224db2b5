/** Which fields each entity table shows, in the words of a planner; `edit` fields are editable in place. */

export type CellKind = "text" | "number" | "money" | "rate" | "list" | "summary";

export interface Column {
  field: string;
  label: string;
  kind: CellKind;
  edit?: boolean;
}

export interface TableSpec {
  list: string;
  title: string;
  /** the field naming a row in labels ("Open cost of belvidere") */
  key: (row: Record<string, unknown>, index: number) => string;
  columns: Column[];
}

const byId = (row: Record<string, unknown>, i: number) => String(row.id ?? `#${i + 1}`);

export const TABLES: TableSpec[] = [
  {
    list: "plants",
    title: "Plants",
    key: byId,
    columns: [
      { field: "id", label: "Id", kind: "text" },
      { field: "name", label: "Name", kind: "text", edit: true },
      { field: "country", label: "Country", kind: "text" },
      { field: "status", label: "Status", kind: "text", edit: true },
      { field: "capacityPerShift", label: "Capacity per shift", kind: "number", edit: true },
      { field: "maxShifts", label: "Max shifts", kind: "number", edit: true },
      { field: "fixedCost", label: "Fixed cost per year", kind: "money", edit: true },
      { field: "shiftCost", label: "Cost per shift-year", kind: "money", edit: true },
      { field: "openCost", label: "Reopen / build cost", kind: "money", edit: true },
      { field: "earliestYear", label: "Earliest year", kind: "number", edit: true },
      { field: "costIndex", label: "Cost index", kind: "number", edit: true },
    ],
  },
  {
    list: "programs",
    title: "Programs",
    key: byId,
    columns: [
      { field: "id", label: "Id", kind: "text" },
      { field: "name", label: "Name", kind: "text", edit: true },
      { field: "segment", label: "Segment", kind: "text", edit: true },
      { field: "platform", label: "Platform", kind: "text", edit: true },
      { field: "sop", label: "SOP", kind: "number", edit: true },
      { field: "eop", label: "EOP", kind: "number", edit: true },
      { field: "variableCost", label: "Variable cost per vehicle", kind: "money", edit: true },
      { field: "tooling", label: "Tooling per plant", kind: "money", edit: true },
      { field: "maxPlants", label: "Max plants", kind: "number", edit: true },
      { field: "builtAt", label: "Built at", kind: "list" },
    ],
  },
  {
    list: "markets",
    title: "Markets",
    key: byId,
    columns: [
      { field: "id", label: "Id", kind: "text" },
      { field: "name", label: "Name", kind: "text", edit: true },
      { field: "countries", label: "Countries", kind: "list" },
      { field: "lat", label: "Latitude", kind: "number", edit: true },
      { field: "lon", label: "Longitude", kind: "number", edit: true },
    ],
  },
  {
    list: "demand",
    title: "Demand",
    key: (row, i) => (row.program ? `${row.program}→${row.market ?? "shares"}` : `#${i + 1}`),
    columns: [
      { field: "program", label: "Program", kind: "text", edit: true },
      { field: "market", label: "Market", kind: "text", edit: true },
      { field: "volume", label: "Volume per year", kind: "summary" },
      { field: "price", label: "Net price per vehicle", kind: "money", edit: true },
    ],
  },
  {
    list: "duties",
    title: "Duties",
    key: byId,
    columns: [
      { field: "id", label: "Id", kind: "text" },
      { field: "from", label: "From", kind: "list" },
      { field: "to", label: "To", kind: "list" },
      { field: "rate", label: "Rate", kind: "rate", edit: true },
      { field: "validFrom", label: "Valid from", kind: "number", edit: true },
      { field: "validTo", label: "Valid to", kind: "number", edit: true },
      { field: "agreement", label: "Agreement", kind: "text", edit: true },
    ],
  },
  {
    list: "policies",
    title: "Policies",
    key: byId,
    columns: [
      { field: "id", label: "Id", kind: "text" },
      { field: "kind", label: "Kind", kind: "text" },
      { field: "program", label: "Program", kind: "text", edit: true },
      { field: "plant", label: "Plant", kind: "text", edit: true },
      { field: "name", label: "In words", kind: "text", edit: true },
    ],
  },
];

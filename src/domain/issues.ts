/** One problem found in user input, precise enough to fix without reading code. */
export interface ValidationIssue {
  /** file the problem is in (or "<stdin>", "<request>") */
  file: string;
  /** 1-based line and column, where the position is known (in a workbook: the cell's row and column) */
  line?: number;
  column?: number;
  /** in a workbook: the sheet, the cell ("E4") and the column's words ("capacity per shift") */
  sheet?: string;
  cell?: string;
  field?: string;
  /** path of the field, e.g. "plants[2].capacityPerShift" */
  path: string;
  /** what was expected and what was found, in plain words */
  expected: string;
  found?: string;
  /** the full sentence shown to the user */
  message: string;
}

/** Thrown by loaders; surfaces print every issue and exit with code 2, never a stack trace. */
export class ValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ValidationError";
  }
}

export function formatIssue(issue: ValidationIssue): string {
  if (issue.sheet !== undefined) {
    const what = issue.field ?? issue.path;
    return `${issue.file}: ${sheetRef(issue.sheet)}!${issue.cell}: ${what ? `${what}: ` : ""}${issue.message}`;
  }
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where}: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`;
}

/** A sheet name as Excel writes it in a reference: quoted when it holds spaces or punctuation. */
function sheetRef(name: string): string {
  return /^[A-Za-z_][\w.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

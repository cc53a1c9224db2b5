/** One problem found in user input, precise enough to fix without reading code. */
export interface ValidationIssue {
  /** file the problem is in (or "<stdin>", "<request>") */
  file: string;
  /** 1-based line and column, where the position is known */
  line?: number;
  column?: number;
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
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where}: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`;
}

import { ValidationError, formatIssue } from "../domain/issues.js";
import { ExitCode } from "./exit-codes.js";

/** A failure the user can act on: printed as one message, never with a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.invalidInput,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain text table: columns padded to their widest cell; numbers right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? (c ?? "").padStart(widths[i]!) : (c ?? "").padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Money in millions, e.g. "€1,234.5m". */
export function formatMoney(amount: number, currency = "EUR"): string {
  const symbol = currency === "EUR" ? "€" : currency === "USD" ? "$" : `${currency} `;
  const m = amount / 1e6;
  const sign = m < 0 ? "-" : "";
  return `${sign}${symbol}${Math.abs(m).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}m`;
}

/** Runs a command body; turns every known error into a message and an exit code. */
export async function runCommand(
  body: () => Promise<ExitCode | undefined> | ExitCode | undefined,
): Promise<void> {
  try {
    process.exitCode = (await body()) ?? ExitCode.ok;
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

export function reportError(error: unknown): ExitCode {
  if (error instanceof ValidationError) {
    for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    const n = error.issues.length;
    process.stderr.write(`portello: ${n} problem${n === 1 ? "" : "s"} found\n`);
    return ExitCode.invalidInput;
  }
  if (error instanceof UserError) {
    process.stderr.write(`portello: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`portello: unexpected error: ${message}\n`);
  if (process.env.PORTELLO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("portello: run again with PORTELLO_DEBUG=1 for details, and please report it\n");
  return ExitCode.failure;
}

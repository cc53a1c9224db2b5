import { InvalidArgumentError } from "commander";
import { ExitCode } from "./exit-codes.js";
import { UserError } from "./output.js";

/** An option's value as a whole number from `min` to `max`, or a usage error that names the flag and the value. */
export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(
      `${flag} must be a whole number from ${min} to ${max}, not "${value}"`,
      ExitCode.usage,
    );
  return n;
}

/** A relative gap option (`--gap`): from 0 to below 1, or commander's usage error. */
export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError(`expected a relative gap between 0 and 1, e.g. 0.001, got "${value}"`);
  }
  return n;
}

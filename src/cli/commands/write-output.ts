import { writeFileSync } from "node:fs";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../output.js";

/** Writes text to a file, or to stdout without one. An existing file is replaced only with `force`. */
export function writeOutput(text: string, file: string | undefined, force: boolean | undefined): void {
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    // "wx" fails if the file exists, so nothing is ever overwritten by accident (and no race with a check)
    writeFileSync(file, text, { flag: force ? "w" : "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST")
      throw new UserError(`${file} exists; add --force to overwrite it`, ExitCode.invalidInput);
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`, ExitCode.failure);
  }
}

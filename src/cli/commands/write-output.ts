import { type TextProducer, inBatches, writeTextFile } from "../../solver/text-sink.js";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../output.js";

/** Writes text to a file, or to stdout without one. An existing file is replaced only with `force`. */
export function writeOutput(text: string, file: string | undefined, force: boolean | undefined): void {
  writeOutputPieces((emit) => emit(text), file, force);
}

/** As writeOutput, for text produced piece by piece (a model file can be larger than any one string). */
export function writeOutputPieces(
  produce: TextProducer,
  file: string | undefined,
  force: boolean | undefined,
) {
  if (file === undefined) {
    inBatches(produce, (batch) => process.stdout.write(batch));
    return;
  }
  try {
    // "wx" fails if the file exists, so nothing is ever overwritten by accident (and no race with a check)
    writeTextFile(file, produce, force ? "w" : "wx");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST")
      throw new UserError(`${file} exists; add --force to overwrite it`, ExitCode.invalidInput);
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`, ExitCode.failure);
  }
}

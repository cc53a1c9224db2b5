import type { Command } from "commander";
import { loadScenario } from "../../domain/load.js";
import { buildModel } from "../../model/build.js";
import { emitDomainMps, toLp } from "../../solver/lp-format.js";
import { ExitCode } from "../exit-codes.js";
import { runCommand, UserError } from "../output.js";
import { writeOutput, writeOutputPieces } from "./write-output.js";

/** `portello export <scenario> --mps | --lp`: the model for any other solver. */
export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description(
      "write a scenario's model as free MPS or CPLEX LP for another solver (CBC: `cbc model.mps -max -solve` " +
        "for a profit scenario, as CBC ignores the MPS OBJSENSE section)",
    )
    .argument("<scenario>", "scenario file (YAML or JSON) or builtin:<name>")
    .option("--mps", "free-format MPS")
    .option("--lp", "CPLEX LP")
    .option("--out <file>", "write here instead of to stdout")
    .option("--force", "overwrite --out if it exists")
    .action((file: string, options: { mps?: boolean; lp?: boolean; out?: string; force?: boolean }) =>
      runCommand(async () => {
        if (Boolean(options.mps) === Boolean(options.lp)) {
          throw new UserError("give exactly one of --mps or --lp", ExitCode.usage);
        }
        const built = buildModel(await loadScenario(file));
        if (options.mps)
          writeOutputPieces(
            (emit) => emitDomainMps(built, emit, modelName(file)),
            options.out,
            options.force,
          );
        else writeOutput(toLp(built), options.out, options.force);
        return ExitCode.ok;
      }),
    );
}

/** The MPS NAME: the scenario file's base name without spaces. */
const modelName = (file: string) =>
  (file.split("/").pop() ?? "portello").replace(/\.[^.]*$/, "").replace(/[^\w.-]/g, "_");

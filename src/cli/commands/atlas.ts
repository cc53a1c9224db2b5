import type { Command } from "commander";
import { type AtlasIndex, indexAtlas } from "../../atlas/claims.js";
import { disputeToJson, listDisputes } from "../../atlas/disputes.js";
import { history } from "../../atlas/history.js";
import { BUILT_IN_ATLAS, loadAtlas } from "../../atlas/load.js";
import { type Candidate, notFoundMessage } from "../../atlas/match.js";
import { sales } from "../../atlas/sales.js";
import { listSources, sourceToJson } from "../../atlas/sources.js";
import { where } from "../../atlas/where.js";
import { SourceKind } from "../../domain/provenance.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, runCommand, UserError } from "../output.js";
import { renderConflicts, renderHistory, renderSales, renderSources, renderWhere } from "./atlas-render.js";

/** `portello where | history | sales | conflicts | sources`: questions to the sourced atlas of the network. */
export function registerAtlasCommands(program: Command): void {
  program
    .command("where")
    .description("where a brand, model or plant builds cars in a year, with sources (e.g. where Giulia)")
    .argument("<query...>", "a brand, model or plant, e.g. 'Alfa Romeo', Giulia, Cassino")
    .option("--at <year>", "the year to answer for (default: this year)")
    .option("--json", "print the answer as JSON")
    .option("--atlas <file>", "an atlas file other than the built-in Alfa Romeo one")
    .action((words: string[], opts: { at?: string; json?: boolean; atlas?: string }) =>
      runCommand(async () => {
        const query = words.join(" ");
        const year = parseYear(opts.at);
        const result = where(await loadIndex(opts.atlas), query, year);
        if (!result.found) throw notFound(query, result.ambiguous, result.suggestion);
        if (opts.json) printJson(result.answers);
        else process.stdout.write(`${renderWhere(result.answers)}\n`);
        return undefined;
      }),
    );

  program
    .command("history")
    .description("ownership of a brand over time, or a plant's status, owners and models over time")
    .argument("<query...>", "a brand or a plant, e.g. 'Alfa Romeo', Pomigliano")
    .option("--json", "print the history as JSON")
    .option("--atlas <file>", "an atlas file other than the built-in Alfa Romeo one")
    .action((words: string[], opts: { json?: boolean; atlas?: string }) =>
      runCommand(async () => {
        const query = words.join(" ");
        const result = history(await loadIndex(opts.atlas), query);
        if (!result.found) throw notFound(query, result.ambiguous, result.suggestion);
        if (opts.json) printJson(result.history);
        else process.stdout.write(`${renderHistory(result.history)}\n`);
        return undefined;
      }),
    );

  program
    .command("sales")
    .description("sales volumes of a brand or a model by market and period, with sources")
    .argument("<query...>", "a brand or a model, e.g. 'Alfa Romeo', Tonale")
    .option("--market <market>", "one market, by id or name: US, Europe, China, world, …")
    .option("--year <year>", "only periods in that year")
    .option("--json", "print the figures as JSON")
    .option("--atlas <file>", "an atlas file other than the built-in Alfa Romeo one")
    .action((words: string[], opts: { market?: string; year?: string; json?: boolean; atlas?: string }) =>
      runCommand(async () => {
        const query = words.join(" ");
        const index = await loadIndex(opts.atlas);
        const year = opts.year === undefined ? undefined : parseYear(opts.year, "--year");
        const result = sales(index, query, { market: opts.market, year });
        if (!result.found) {
          if (result.unknownMarket !== undefined)
            throw new UserError(
              `unknown market '${result.unknownMarket}': use one of ${index.atlas.markets.map((m) => m.id).join(", ")}`,
            );
          throw notFound(query, result.ambiguous, result.suggestion);
        }
        if (opts.json) printJson(result.rows);
        else process.stdout.write(`${renderSales(result.rows, query, index.atlas.asOf)}\n`);
        return undefined;
      }),
    );

  program
    .command("conflicts")
    .description(
      "claims that disagree (same subject and property, overlapping time) and the disputes the atlas records, with a verdict each",
    )
    .option("--json", "print the conflicts as JSON")
    .option("--atlas <file>", "an atlas file other than the built-in Alfa Romeo one")
    .action((opts: { json?: boolean; atlas?: string }) =>
      runCommand(async () => {
        const index = await loadIndex(opts.atlas);
        const disputes = listDisputes(index);
        if (opts.json) printJson(disputes.map(disputeToJson));
        else process.stdout.write(`${renderConflicts(disputes, index)}\n`);
        return undefined;
      }),
    );

  program
    .command("sources")
    .description("the sources the atlas cites, with how many claims cite each")
    .option("--kind <kind>", `only sources of one kind: ${SourceKind.options.join(", ")}`)
    .option("--json", "print the sources as JSON")
    .option("--atlas <file>", "an atlas file other than the built-in Alfa Romeo one")
    .action((opts: { kind?: string; json?: boolean; atlas?: string }) =>
      runCommand(async () => {
        const kind = opts.kind === undefined ? undefined : SourceKind.safeParse(opts.kind);
        if (kind && !kind.success)
          throw new UserError(
            `unknown source kind '${opts.kind}': use one of ${SourceKind.options.join(", ")}`,
          );
        const uses = listSources(await loadIndex(opts.atlas), kind?.data);
        if (opts.json) printJson(uses.map(sourceToJson));
        else process.stdout.write(`${renderSources(uses)}\n`);
        return undefined;
      }),
    );
}

async function loadIndex(file?: string): Promise<AtlasIndex> {
  return indexAtlas(await loadAtlas(file ?? BUILT_IN_ATLAS));
}

function parseYear(text: string | undefined, option = "--at"): number {
  if (text === undefined) return new Date().getFullYear();
  const year = Number(text);
  if (!/^\d{4}$/.test(text.trim()) || year < 1800 || year > 2200)
    throw new UserError(`${option} expects a year between 1800 and 2200, such as 1965; got '${text}'`);
  return year;
}

/** An ambiguous query is invalid input; one that names nothing is not found. */
function notFound(query: string, ambiguous: Candidate[], suggestion?: string): UserError {
  const message = notFoundMessage(query, ambiguous, suggestion);
  return ambiguous.length ? new UserError(message) : new UserError(message, ExitCode.notFound);
}

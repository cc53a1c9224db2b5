import type { Command } from "commander";

// Placeholder until this command group is written; it registers nothing.
export function registerAtlasCommands(_program: Command): void {}

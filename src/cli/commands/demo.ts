import type { Command } from "commander";

// Placeholder until this command group is written; it registers nothing.
export function registerDemoCommand(_program: Command): void {}

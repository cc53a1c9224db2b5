#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(
    "portello: not built yet. Run `npm run build` (or `npm start`, which builds first).\n",
  );
  process.exit(70);
}
await import(main);

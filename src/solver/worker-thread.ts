import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * A worker thread running a module of this package: the compiled .js directly, or — when running from the .ts
 * source (tsx, vitest) — through a bootstrap that registers tsx's require hook in the worker (workers inherit no
 * loader hooks). `module` is the .js URL next to the caller, e.g. new URL("./highs-worker.js", import.meta.url).
 */
export function startModuleWorker(module: URL): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(module);
  const tsxApi = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const script = fileURLToPath(module).replace(/\.js$/, ".ts");
  return new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(script)});`, {
    eval: true,
  });
}

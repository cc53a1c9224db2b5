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

/** How long a solver thread may take to end before it is abandoned. */
const STOP_WORKER_MS = 5_000;

/**
 * Ends a solver thread. Node's terminate() can stay pending forever (seen when the thread is still loading its
 * modules), so a thread that has not ended within STOP_WORKER_MS is unref'd — it no longer keeps the process
 * alive — and the caller goes on: a cancel or a shutdown must not wait on it.
 */
export async function stopWorker(worker: Worker | undefined): Promise<void> {
  if (!worker) return;
  let timer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      worker.unref();
      resolve();
    }, STOP_WORKER_MS);
  });
  await Promise.race([worker.terminate().then(() => undefined), abandoned]);
  clearTimeout(timer);
}

/**
 * One request to a thread that answers each message with one message: the answer, or a rejection when the
 * thread answers `{ type: "failed", message }`, throws, or ends (e.g. out of memory) before answering. `what`
 * names the thread in that last error.
 */
export function askWorker<Answer extends { type: string }>(
  worker: Worker,
  request: unknown,
  what: string,
): Promise<Exclude<Answer, { type: "failed" }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (answer: Answer | { type: "failed"; message: string }) => {
      done();
      if (answer.type === "failed") reject(new Error((answer as { message: string }).message));
      else resolve(answer as Exclude<Answer, { type: "failed" }>);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`${what} ended with code ${code} during a request`));
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(request);
  });
}

import { parentPort } from "node:worker_threads";
import type { PreparedStudy, StudyTask, TaskResult } from "./contract.js";
import { executeTask } from "./execute.js";
import { stopCheck } from "./stop-flag.js";

/**
 * Worker side of the in-process engine: keeps the studies it was sent and executes tasks one at a time
 * (HiGHS blocks the thread), posting each result back — a stopped one too, with status "cancelled", so the
 * engine knows the thread is free. A thread keeps its own result cache across tasks.
 */

export type ToWorker =
  | { type: "study"; run: number; study: PreparedStudy }
  /** `stop`: a StopFlag's buffer, raised when the task is no longer wanted (its solve stops) */
  | { type: "task"; run: number; task: StudyTask; stop: SharedArrayBuffer }
  | { type: "forget"; run: number };

export type FromWorker = { type: "result"; run: number; result: TaskResult };

const studies = new Map<number, PreparedStudy>();
const port = parentPort!;

port.on("message", async (message: ToWorker) => {
  if (message.type === "study") studies.set(message.run, message.study);
  else if (message.type === "forget") studies.delete(message.run);
  else {
    const study = studies.get(message.run)!;
    const result = await executeTask(study, message.task, { shouldStop: stopCheck(message.stop) });
    port.postMessage({ type: "result", run: message.run, result } satisfies FromWorker);
  }
});

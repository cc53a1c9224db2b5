import { parentPort } from "node:worker_threads";
import type { PreparedStudy, StudyTask, TaskResult } from "./contract.js";
import { executeTask } from "./execute.js";

/**
 * Worker side of the in-process engine: keeps the studies it was sent and executes tasks one at a time
 * (HiGHS blocks the thread), posting each result back. A thread keeps its own result cache across tasks.
 */

export type ToWorker =
  | { type: "study"; run: number; study: PreparedStudy }
  | { type: "task"; run: number; task: StudyTask }
  | { type: "forget"; run: number };

export type FromWorker = { type: "result"; run: number; result: TaskResult };

const studies = new Map<number, PreparedStudy>();
const port = parentPort!;

port.on("message", async (message: ToWorker) => {
  if (message.type === "study") studies.set(message.run, message.study);
  else if (message.type === "forget") studies.delete(message.run);
  else {
    const study = studies.get(message.run)!;
    const result = await executeTask(study, message.task);
    port.postMessage({ type: "result", run: message.run, result } satisfies FromWorker);
  }
});

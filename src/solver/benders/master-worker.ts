import { parentPort } from "node:worker_threads";
import { highsRuntime } from "../highs.js";
import { type MasterAnswer, type MasterRequest, runMasterModel } from "./master.js";

/**
 * Worker side of `Master.solveApart`: builds the master it is sent and runs it once, with the same code as a
 * solve in the calling thread. The stop flag is shared memory that the blocking run polls.
 */
const port = parentPort;
port?.once("message", async (request: MasterRequest) => {
  try {
    const highs = await highsRuntime();
    const model = highs.createModel(request.model);
    model.options.set({ output_flag: false });
    const stop = new Int32Array(request.stopFlag);
    const left = (request.deadline - Date.now()) / 1000;
    const settings = { ...request.run, timeLimitSeconds: Math.min(request.run.timeLimitSeconds, left) };
    const run = runMasterModel(highs, model, settings, () => Atomics.load(stop, 0) === 1);
    port.postMessage({ type: "done", run } satisfies MasterAnswer);
  } catch (error) {
    port.postMessage({
      type: "failed",
      message: error instanceof Error ? error.message : String(error),
    } satisfies MasterAnswer);
  }
});

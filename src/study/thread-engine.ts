import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startModuleWorker, stopWorker } from "../solver/worker-thread.js";
import type { PreparedStudy, StudyEngine, StudyHandlers, StudyTask, TaskResult } from "./contract.js";
import { failedTask } from "./execute.js";
import type { FromWorker, ToWorker } from "./thread-worker.js";

/**
 * The default engine: a pool of worker threads in this process (nothing to install). Each thread runs one task
 * at a time; a thread that dies mid-task (out of memory) is replaced and its task retried once, then reported
 * as an error. Results arrive in completion order; a study orders them by key, so the number of threads
 * changes the speed, never the results. One run at a time per engine.
 */

interface Slot {
  worker: Worker;
  /** the run whose study this thread holds */
  run?: number;
  task?: StudyTask;
}

interface Run {
  id: number;
  study: PreparedStudy;
  tasks: readonly StudyTask[];
  next: number;
  done: number;
  retried: Set<StudyTask>;
  deliver: (slot: Slot, result: TaskResult) => void;
}

export class ThreadEngine implements StudyEngine {
  readonly name = "threads";
  readonly threads: number;
  private slots: (Slot | undefined)[] = [];
  private runs = 0;
  private current: Run | undefined;

  constructor(options: { threads?: number } = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
  }

  async run(study: PreparedStudy, tasks: readonly StudyTask[], handlers: StudyHandlers): Promise<void> {
    const { signal } = handlers;
    signal?.throwIfAborted();
    if (this.current) throw new Error("this engine is already running a study");
    if (tasks.length === 0) return;
    try {
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          this.current = undefined;
          if (error === undefined) resolve();
          else reject(error);
        };
        const onAbort = () => {
          // a blocking solve cannot be interrupted from here: the threads go, new ones start on the next run
          finish(signal!.reason ?? new DOMException("the study was cancelled", "AbortError"));
          void this.close();
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const run: Run = {
          id: ++this.runs,
          study,
          tasks,
          next: 0,
          done: 0,
          retried: new Set(),
          deliver: (slot, result) => {
            if (settled) return;
            Promise.resolve(handlers.onResult(result)).then(() => {
              if (settled) return;
              run.done++;
              handlers.onProgress?.({ done: run.done, total: tasks.length });
              if (run.done === tasks.length) finish();
              else this.feed(slot, run);
            }, finish);
          },
        };
        this.current = run;
        for (let i = 0; i < Math.min(this.threads, tasks.length); i++) this.feed(this.slot(i), run);
      });
    } finally {
      for (const slot of this.slots)
        if (slot?.run !== undefined)
          slot.worker.postMessage({ type: "forget", run: slot.run } satisfies ToWorker);
    }
  }

  /** Gives the slot's thread the run's next task (or `task`, a retry). */
  private feed(slot: Slot, run: Run, task = run.next < run.tasks.length ? run.tasks[run.next++] : undefined) {
    slot.task = task;
    if (!task) return;
    if (slot.run !== run.id) {
      slot.worker.postMessage({ type: "study", run: run.id, study: run.study } satisfies ToWorker);
      slot.run = run.id;
    }
    slot.worker.postMessage({ type: "task", run: run.id, task } satisfies ToWorker);
  }

  private slot(index: number): Slot {
    const existing = this.slots[index];
    if (existing) return existing;
    const worker = startModuleWorker(new URL("./thread-worker.js", import.meta.url));
    const slot: Slot = { worker };
    this.slots[index] = slot;
    worker.on("message", (message: FromWorker) => {
      const run = this.current;
      if (run && message.run === run.id) run.deliver(slot, message.result);
    });
    worker.on("error", () => {}); // the exit that follows is handled below
    worker.on("exit", () => {
      if (this.slots[index] !== slot) return; // closed on purpose
      this.slots[index] = undefined;
      const run = this.current;
      const task = slot.task;
      if (!run || !task || slot.run !== run.id) return;
      if (run.retried.has(task))
        run.deliver(slot, failedTask(task, "the worker thread died twice on this task (out of memory?)"));
      else {
        run.retried.add(task);
        this.feed(this.slot(index), run, task);
      }
    });
    return slot;
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((slot) => stopWorker(slot?.worker)));
  }
}

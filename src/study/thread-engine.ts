import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startModuleWorker, stopWorker } from "../solver/worker-thread.js";
import type { PreparedStudy, StudyEngine, StudyHandlers, StudyTask, TaskResult } from "./contract.js";
import { failedTask } from "./execute.js";
import { STOP_GRACE_MS, StopFlag } from "./stop-flag.js";
import type { FromWorker, ToWorker } from "./thread-worker.js";

/**
 * The default engine: a pool of worker threads in this process (nothing to install). Each thread runs one task
 * at a time; a thread that dies mid-task (out of memory) is replaced and its task retried once, then reported
 * as an error. Results arrive in completion order; a study orders them by key, so the number of threads
 * changes the speed, never the results. One run at a time per engine.
 *
 * Cancel stops the solves under way: each task goes with a StopFlag, raised on abort; the run rejects once every
 * busy thread has answered (a "cancelled" result, not delivered) — or has been terminated after STOP_GRACE_MS.
 */

interface Slot {
  worker: Worker;
  /** the run whose study this thread holds */
  run?: number;
  task?: StudyTask;
  /** raised to stop the task's solve */
  stop?: StopFlag;
  /** called when the thread answers (or exits): a cancelled run waits for it */
  answered?: () => void;
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
        /** once set, nothing more is delivered nor fed */
        let settled = false;
        const end = (error?: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          this.current = undefined;
          if (error === undefined) resolve();
          else reject(error);
        };
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          end(error);
        };
        /** ends the run early: the solves under way are stopped first (their threads may have been fed already) */
        const stopAndEnd = (reason: unknown) => {
          if (settled) return;
          settled = true;
          this.current = undefined; // a thread that answers or dies now is neither delivered nor retried
          // the run ends even if stopping went wrong: the threads are then left to close()
          const ended = () => end(reason);
          void this.stopSolves().then(ended, ended);
        };
        const onAbort = () =>
          stopAndEnd(signal!.reason ?? new DOMException("the study was cancelled", "AbortError"));
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
            // the thread's next task goes out first: a slow handler (a database write) must not idle the thread
            this.feed(slot, run);
            Promise.resolve(handlers.onResult(result)).then(() => {
              if (settled) return;
              run.done++;
              handlers.onProgress?.({ done: run.done, total: tasks.length });
              if (run.done === tasks.length) finish();
            }, stopAndEnd);
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
    slot.stop = undefined;
    if (!task) return;
    if (slot.run !== run.id) {
      slot.worker.postMessage({ type: "study", run: run.id, study: run.study } satisfies ToWorker);
      slot.run = run.id;
    }
    slot.stop = new StopFlag();
    slot.worker.postMessage({ type: "task", run: run.id, task, stop: slot.stop.buffer } satisfies ToWorker);
  }

  /** Stops the solves under way and waits for their threads to answer; a thread that does not is terminated. */
  private async stopSolves(): Promise<void> {
    const busy = this.slots.filter((slot): slot is Slot => slot?.stop !== undefined);
    const answers = busy.map(
      (slot) =>
        new Promise<void>((resolve) => {
          slot.answered = resolve;
          slot.stop!.raise();
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.all(answers), late]);
    clearTimeout(timer);
    const stuck = busy.filter((slot) => slot.stop !== undefined);
    for (const slot of stuck) this.slots[this.slots.indexOf(slot)] = undefined;
    await Promise.all(stuck.map((slot) => stopWorker(slot.worker)));
  }

  private slot(index: number): Slot {
    const existing = this.slots[index];
    if (existing) return existing;
    const worker = startModuleWorker(new URL("./thread-worker.js", import.meta.url));
    const slot: Slot = { worker };
    this.slots[index] = slot;
    worker.on("message", (message: FromWorker) => {
      slot.stop = undefined;
      const answered = slot.answered;
      slot.answered = undefined;
      answered?.();
      const run = this.current;
      if (run && message.run === run.id) run.deliver(slot, message.result);
    });
    worker.on("error", () => {}); // the exit that follows is handled below
    worker.on("exit", () => {
      slot.stop = undefined;
      slot.answered?.();
      if (this.slots[index] !== slot) return; // closed on purpose
      this.slots[index] = undefined;
      const run = this.current;
      const task = slot.task;
      if (!run || !task || slot.run !== run.id) return;
      // the run goes on in a new thread (this one is gone: a task fed to it would never answer)
      if (run.retried.has(task))
        run.deliver(
          this.slot(index),
          failedTask(task, "the worker thread died twice on this task (out of memory?)"),
        );
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

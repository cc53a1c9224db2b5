import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { ValidationError } from "../domain/issues.js";
import { BUILTIN_PREFIX } from "../domain/extends.js";
import { loadScenario } from "../domain/load.js";
import type { Scenario } from "../domain/scenario.js";
import { type LoadedStudy, parseStudySpec } from "../domain/study-spec.js";
import type { StudyRecord } from "../store/studies.js";
import type { Store } from "../store/types.js";
import { QueueEngine } from "../study/bullmq-engine.js";
import type { StudyEngine } from "../study/contract.js";
import { prepareStudy, runStudy, type StudyProgress } from "../study/run.js";
import { ThreadEngine } from "../study/thread-engine.js";
import type { Lease } from "./runs.js";
import { parseStoredScenario } from "./scenario-text.js";

/**
 * Studies started through the API. The spec is checked and its options resolved (the project's stored
 * scenarios by file name, or shipped built-ins: never the server's disk) once, at the start; what was resolved is
 * stored with the study, so a study can be run again from the store alone. With a queue (serve --redis) the
 * tasks go to `portello worker` processes; without one, to a pool of threads in this process.
 *
 * A study survives a restart: each server keeps a lease on the studies it follows; an unfinished study whose
 * lease ran out (its server died) is taken over by another, or by the same one started again, which runs it
 * again from its stored spec — every task that has a result is not solved again.
 */

interface Active {
  controller: AbortController;
  progress?: StudyEvent;
  /** settles when the study's execution here has ended (and stopped writing to the store) */
  done?: Promise<void>;
}

/** what a study stores to be run again from the store alone */
interface StoredSpec {
  text: string;
  loaded: LoadedStudy;
  samples?: number;
}

export interface StudyEvent {
  phase: StudyProgress["phase"];
  done: number;
  total: number;
}

export const STUDY_RESTART_REASON = "the study could not be run again after a restart";

export class StudyManager {
  private readonly active = new Map<string, Active>();
  private leaseTimer?: NodeJS.Timeout;
  private readonly queueEngine?: QueueEngine;

  constructor(
    private readonly store: Store,
    private readonly options: {
      /** the queue's Redis (serve --redis): tasks go to `portello worker` processes */
      redisUrl?: string;
      queue?: string;
      /** solver threads of a study without a queue (default: the cores less one) */
      threads?: number;
      lease?: Lease;
    } = {},
  ) {
    if (options.redisUrl)
      this.queueEngine = new QueueEngine(store.studies, {
        redisUrl: options.redisUrl,
        ...(options.queue ? { queue: options.queue } : {}),
      });
  }

  get engineName(): string {
    return this.queueEngine ? "bullmq" : "threads";
  }

  /** Checks the spec, resolves its options in the project, stores the study and starts it. */
  async start(projectId: string, createdBy: string, text: string, samples?: number): Promise<StudyRecord> {
    const loaded = await parseStudySpec(text, "<request>", (ref) => this.loadOption(projectId, ref));
    const id = randomUUID();
    const stored: StoredSpec = { text, loaded, ...(samples ? { samples } : {}) };
    const study = await this.store.studies.create({
      prepared: { ...prepareStudy(loaded), id },
      tasks: [],
      projectId,
      createdBy,
      name: loaded.spec.question,
      spec: stored,
      seed: loaded.spec.seed,
      ...(this.options.lease ? { lease: this.options.lease } : {}),
    });
    this.execute(id, stored);
    return study;
  }

  /** Cancels a queued or running study; a finished one is returned unchanged. */
  async cancel(studyId: string): Promise<StudyRecord> {
    await this.store.studies.finish(studyId, { status: "cancelled" });
    this.active.get(studyId)?.controller.abort();
    await this.queueEngine?.removeJobs(studyId);
    return this.store.studies.get(studyId);
  }

  /** The phase this server is in, for a study it runs (others report through the store only). */
  progress(studyId: string): StudyEvent | undefined {
    return this.active.get(studyId)?.progress;
  }

  /**
   * Takes over the unfinished studies nobody follows — all of them on an embedded store (this process's alone),
   * those whose lease ran out on a shared PostgreSQL — and runs them again; then renews this server's leases
   * every third of the lease and takes over the studies of servers that died.
   */
  async resumeOrphans(shared: boolean): Promise<string[]> {
    const lease = this.options.lease ?? { owner: `local:${process.pid}`, seconds: 30 };
    const claimed = await this.store.studies.claimOrphans(lease.owner, lease.seconds, !shared);
    for (const id of claimed) this.resume(id);
    if (shared && !this.leaseTimer) {
      this.leaseTimer = setInterval(
        () => {
          void (async () => {
            await this.store.studies.renewLeases(lease.owner, lease.seconds);
            for (const id of await this.store.studies.claimOrphans(lease.owner, lease.seconds, false))
              this.resume(id);
          })().catch((error) => console.error(`portello: could not renew study leases: ${String(error)}`));
        },
        (lease.seconds * 1000) / 3,
      );
      this.leaseTimer.unref();
    }
    return claimed;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.leaseTimer);
    // the studies stay queued or running in the store: the next start (or another server) takes them over
    const running = [...this.active.values()];
    for (const { controller } of running) controller.abort(new Error("server stopping"));
    // their last writes land before the store closes
    await Promise.allSettled(running.map((entry) => entry.done));
    await this.queueEngine?.close();
  }

  private resume(studyId: string): void {
    if (this.active.has(studyId)) return;
    void this.store.studies
      .spec(studyId)
      .then((spec) => this.execute(studyId, spec as StoredSpec))
      .catch((error) =>
        this.store.studies.finish(studyId, {
          status: "failed",
          failureReason: `${STUDY_RESTART_REASON}: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
  }

  private execute(studyId: string, stored: StoredSpec): void {
    const controller = new AbortController();
    const entry: Active = { controller };
    this.active.set(studyId, entry);
    const threads = this.queueEngine
      ? undefined
      : new ThreadEngine({ threads: this.options.threads ?? Math.max(1, availableParallelism() - 1) });
    const engine: StudyEngine =
      this.queueEngine?.forStudy(studyId) ?? storedEngine(threads!, this.store, studyId);
    entry.done = (async () => {
      await this.store.studies.markRunning(studyId);
      const report = await runStudy(stored.loaded, {
        engine,
        ...(stored.samples ? { samples: stored.samples } : {}),
        signal: controller.signal,
        onProgress: (p) => {
          entry.progress = p;
        },
      });
      if (await this.store.studies.finish(studyId, { status: "succeeded" }))
        await this.store.studies.saveReport(studyId, report);
    })()
      .catch(async (error) => {
        if (controller.signal.aborted) return; // cancelled, or this server stops: the store says which
        const reason = error instanceof Error ? error.message : String(error);
        await this.store.studies.finish(studyId, { status: "failed", failureReason: reason });
      })
      .catch((error) => console.error(`portello: study ${studyId}: ${String(error)}`))
      .finally(async () => {
        if (this.active.get(studyId) === entry) this.active.delete(studyId);
        await threads?.close();
      });
  }

  /** An option's scenario: a stored scenario of the project by file name, or a shipped built-in. */
  private async loadOption(projectId: string, ref: string): Promise<Scenario> {
    if (ref.startsWith(BUILTIN_PREFIX)) return loadScenario(ref);
    const fileName = ref.startsWith("./") ? ref.slice(2) : ref;
    const scenario = await this.store.findScenarioByFileName(projectId, fileName);
    if (!scenario)
      throw new ValidationError([
        {
          file: "<request>",
          path: "",
          expected: "the file name of a scenario of this project, or builtin:<name>",
          found: ref,
          message: `no scenario of this project has the file name "${ref}"`,
        },
      ]);
    const version = await this.store.getVersion(scenario.id);
    return parseStoredScenario(this.store, version.content, fileName, projectId);
  }
}

/**
 * The thread engine with the store in between: each task's result is stored once (so a restart re-solves only
 * what is missing) and results stored before are delivered without a solve.
 */
function storedEngine(threads: ThreadEngine, store: Store, studyId: string): StudyEngine {
  return {
    name: threads.name,
    async run(study, tasks, handlers) {
      await store.studies.create({ prepared: { ...study, id: studyId }, tasks });
      const have = new Map(
        (await store.studies.results(studyId)).map((r) => [`${r.sample}:${r.option}`, r] as const),
      );
      const missing = tasks.filter((t) => !have.has(`${t.sample}:${t.option}`));
      let done = 0;
      for (const task of tasks) {
        const known = have.get(`${task.sample}:${task.option}`);
        if (!known) continue;
        await handlers.onResult(known);
        handlers.onProgress?.({ done: ++done, total: tasks.length });
      }
      if (missing.length === 0) return;
      await threads.run(study, missing, {
        ...handlers,
        onResult: async (result) => {
          await store.studies.saveResult(studyId, result, "server");
          await handlers.onResult(result);
        },
        onProgress: (p) => handlers.onProgress?.({ done: done + p.done, total: tasks.length }),
      });
    },
    close: () => threads.close(),
  };
}

/**
 * A flag in shared memory that stops one task's solve. A study thread blocks in HiGHS while it solves, so no
 * message or abort event reaches it; HiGHS polls `shouldStop` from its interrupt callbacks instead, and the
 * engine (or the `portello worker` that watches the study's status) raises the flag from its own thread.
 */
export class StopFlag {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly listeners: (() => void)[] = [];

  raise(): void {
    if (this.raised) return;
    Atomics.store(new Int32Array(this.buffer), 0, 1);
    for (const listener of this.listeners.splice(0)) listener();
  }

  get raised(): boolean {
    return isRaised(this.buffer);
  }

  /** Calls `listener` once the flag is raised here (at once if it is already). */
  onRaise(listener: () => void): void {
    if (this.raised) listener();
    else this.listeners.push(listener);
  }
}

/**
 * How long a raised flag may take to stop a solve before the solve's thread is terminated. Some phases of a
 * HiGHS solve make no interrupt callback: measured on the synthetic big network (test/fixtures/big-scenario.ts),
 * a solve went about 50 s without one, from a few seconds after its start.
 */
export const STOP_GRACE_MS = 5_000;

/** The reading side, in the thread that solves: a `shouldStop` for the solver. */
export function stopCheck(buffer: SharedArrayBuffer): () => boolean {
  return () => isRaised(buffer);
}

function isRaised(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer), 0) === 1;
}

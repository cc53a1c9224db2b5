/**
 * A flag in shared memory that stops one task's solve. A study thread blocks in HiGHS while it solves, so no
 * message or abort event reaches it; HiGHS polls `shouldStop` from its interrupt callbacks instead, and the
 * engine (or the `portello worker` that watches the study's status) raises the flag from its own thread.
 */
export class StopFlag {
  readonly buffer = new SharedArrayBuffer(4);

  raise(): void {
    Atomics.store(new Int32Array(this.buffer), 0, 1);
  }

  get raised(): boolean {
    return isRaised(this.buffer);
  }
}

/** The reading side, in the thread that solves: a `shouldStop` for the solver. */
export function stopCheck(buffer: SharedArrayBuffer): () => boolean {
  return () => isRaised(buffer);
}

function isRaised(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer), 0) === 1;
}

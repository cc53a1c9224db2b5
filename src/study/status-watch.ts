import type { Studies } from "../store/studies.js";
import { StoreError } from "../store/types.js";

/**
 * Watches a study while one of its tasks solves on a `portello worker`: a cancel (or a failure, or a delete)
 * is written to PostgreSQL by whichever server handles it, so the worker asks for the study's status — one
 * primary-key read per interval and task in hand — and calls `onStopped` once it is no longer queued or running.
 * Returns the function that ends the watch.
 */
export function watchStudyStatus(
  studies: Studies,
  studyId: string,
  intervalMs: number,
  onStopped: () => void,
): () => void {
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return; // a slow database: one question at a time
    asking = true;
    studies
      .status(studyId)
      .then(
        (status) => status !== "queued" && status !== "running",
        // a read that failed says nothing about the study, but one that found no study says it is gone
        (error) => error instanceof StoreError && error.kind === "not-found",
      )
      .then((stopped) => {
        asking = false;
        if (!stopped) return;
        clearInterval(timer);
        onStopped();
      });
  }, intervalMs);
  return () => clearInterval(timer);
}

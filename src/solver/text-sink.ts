import { closeSync, openSync, writeSync } from "node:fs";

/** Text produced piece by piece (e.g. MPS lines), handed on in batches of about a megabyte. */
export type TextProducer = (emit: (text: string) => void) => void;

const BATCH_CHARS = 1 << 20;

/** Runs `produce` and passes its text to `write` in batches: no single string ever holds all of it. */
export function inBatches(produce: TextProducer, write: (batch: string) => void): void {
  let pieces: string[] = [];
  let size = 0;
  const flush = () => {
    if (pieces.length === 0) return;
    write(pieces.join(""));
    pieces = [];
    size = 0;
  };
  produce((text) => {
    pieces.push(text);
    size += text.length;
    if (size >= BATCH_CHARS) flush();
  });
  flush();
}

/**
 * Writes the produced text to a file in batches and returns the bytes written. `flag` as for fs.openSync:
 * "w" replaces the file, "wx" fails with EEXIST where it exists.
 */
export function writeTextFile(path: string, produce: TextProducer, flag: "w" | "wx" = "w"): number {
  const fd = openSync(path, flag);
  let bytes = 0;
  try {
    inBatches(produce, (batch) => {
      bytes += writeSync(fd, batch);
    });
  } finally {
    closeSync(fd);
  }
  return bytes;
}

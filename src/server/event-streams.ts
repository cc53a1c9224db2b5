import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { Problem, tooManyRequests } from "./problem.js";

/**
 * Each open event stream holds a socket and a listener or a poll of the store, and a run's stream replays the
 * run's log when it opens: beyond this many streams in all — runs' and studies' together — new ones are refused
 * (429) rather than slowing the server for everyone (measured in docs/security.md).
 */
export const DEFAULT_MAX_EVENT_STREAMS = 256;

/**
 * The `Retry-After` (seconds) of a refused stream: places come back as streams end (a dropped one once the server
 * notices, within about a second), so a client need not wait long before it tries again.
 */
export const EVENT_STREAM_RETRY_SECONDS = 5;

/** The refusal, as the events routes declare it in the OpenAPI document. */
export const REFUSED_STREAM_RESPONSE = {
  description: "too many event streams are open on this server: problem details, with Retry-After (seconds)",
  schema: Problem,
  contentType: "application/problem+json",
};

/** SSE comments at this interval keep proxies from closing a quiet stream, and notice gone clients. */
export const KEEPALIVE_MS = 15_000;

/** The server's one budget of open event streams, shared by every kind of stream (runs, studies). */
export class EventStreams {
  #open = 0;

  constructor(readonly limit = DEFAULT_MAX_EVENT_STREAMS) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`the event-stream limit must be a whole number of at least 1, not ${limit}`);
  }

  /** Streams open now. */
  get open(): number {
    return this.#open;
  }

  /**
   * Takes a place in the budget, or refuses with a 429 (with `Retry-After`) whose detail ends with `otherwise`
   * (what to read instead).
   * The returned function gives the place back; calling it again does nothing.
   */
  acquire(otherwise: string): () => void {
    if (this.#open >= this.limit)
      throw tooManyRequests(
        `${this.limit} event streams are open on this server: try again shortly, or ${otherwise}`,
        EVENT_STREAM_RETRY_SECONDS,
      );
    this.#open++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#open--;
    };
  }

  /**
   * A server-sent event stream that holds a place in the budget from now until `body` ends — returns, throws, or
   * returns because the client went away (`body` watches `stream.onAbort`) — with keep-alive comments meanwhile.
   * Refused with a 429 (see `acquire`) when the budget is spent.
   */
  stream(c: Context, otherwise: string, body: (stream: SSEStreamingApi) => Promise<void>): Response {
    const release = this.acquire(otherwise);
    try {
      return streamSSE(c, async (stream) => {
        const keepAlive = setInterval(
          () => void stream.write(": keep-alive\n\n").catch(() => {}),
          KEEPALIVE_MS,
        );
        try {
          await body(stream);
        } finally {
          clearInterval(keepAlive);
          release();
        }
      });
    } catch (error) {
      release(); // no stream was started: nothing else will give the place back
      throw error;
    }
  }
}

import { useEffect, useState } from "react";
import { api } from "../../api/client.js";
import type { ProgressEntry, Run, RunStatus } from "../../api/types.js";

export interface SolverPoint {
  elapsedSeconds: number;
  incumbent?: number;
  bound?: number;
  gap?: number;
}

export interface RunEvents {
  status: RunStatus | "connecting";
  points: SolverPoint[];
  failureReason?: string;
}

/** Follows a run over server-sent events: status changes, solver progress, then the end. */
export function useRunEvents(runId: string): RunEvents {
  const [events, setEvents] = useState<RunEvents>({ status: "connecting", points: [] });
  useEffect(() => {
    setEvents({ status: "connecting", points: [] });
    const source = new EventSource(api.eventsUrl(runId));
    const seen = new Set<number>();
    const onEntry = (message: MessageEvent<string>) => {
      const entry = JSON.parse(message.data) as ProgressEntry;
      if (seen.has(entry.seq)) return; // a reconnect replays what came after Last-Event-ID only, but be safe
      seen.add(entry.seq);
      setEvents((prev) => apply(prev, entry));
    };
    source.addEventListener("status", onEntry);
    source.addEventListener("progress", onEntry);
    source.addEventListener("end", (message: MessageEvent<string>) => {
      const run = JSON.parse(message.data) as Run;
      source.close();
      setEvents((prev) => ({
        ...prev,
        status: run.status,
        ...(run.failureReason ? { failureReason: run.failureReason } : {}),
      }));
    });
    return () => source.close();
  }, [runId]);
  return events;
}

function apply(prev: RunEvents, entry: ProgressEntry): RunEvents {
  if (entry.kind === "status" && entry.data.status) {
    const reason =
      typeof entry.data.failureReason === "string" ? entry.data.failureReason : prev.failureReason;
    return { ...prev, status: entry.data.status, ...(reason ? { failureReason: reason } : {}) };
  }
  if (entry.kind === "progress") {
    const { elapsedSeconds = 0, incumbent, bound, gap } = entry.data;
    return { ...prev, points: [...prev.points, { elapsedSeconds, incumbent, bound, gap }] };
  }
  return prev;
}

import { type DependencyList, useEffect, useState } from "react";

export type AsyncState<T> =
  | { status: "loading" }
  | { status: "error"; error: Error }
  | { status: "ready"; value: T };

/** Loads data when the dependencies change; an outdated answer is dropped (its request aborted). */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const effect = () => {
    const controller = new AbortController();
    setState({ status: "loading" });
    load(controller.signal).then(
      (value) => !controller.signal.aborted && setState({ status: "ready", value }),
      (error: Error) => !controller.signal.aborted && setState({ status: "error", error }),
    );
    return () => controller.abort();
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  useEffect(effect, deps);
  return state;
}

import type { ReactNode } from "react";
import type { AsyncState } from "../lib/use-async.js";

/** Renders the loaded value, or a loading line, or the error in the API's words. */
export function Loaded<T>({ state, children }: { state: AsyncState<T>; children: (value: T) => ReactNode }) {
  if (state.status === "loading")
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (state.status === "error") return <ErrorNote error={state.error} />;
  return <>{children(state.value)}</>;
}

export function ErrorNote({ error }: { error: Error | string }) {
  return (
    <p className="error" role="alert">
      {typeof error === "string" ? error : error.message}
    </p>
  );
}

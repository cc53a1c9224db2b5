import type { ModelInputs } from "../src/model/inputs.js";

/**
 * The derived data tables of a model (`ModelInputs`) as compact JSON, for bench/pulp_model.py: PuLP builds
 * the same model from the same numbers, so the comparison times model building only, not data preparation.
 * Typed arrays become plain arrays (NaN becomes null, as JSON has no NaN).
 */
export function exportTables(inputs: ModelInputs, linking: "per-flow" | "per-year" = "per-flow"): string {
  return JSON.stringify({ format: "portello-model-inputs/1", linking, ...inputs }, (_key, value) =>
    ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value,
  );
}

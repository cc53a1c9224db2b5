import { fileURLToPath } from "node:url";
import { Atlas } from "../domain/atlas.js";
import { readDocumentFile } from "../domain/document.js";

/** The built-in Alfa Romeo atlas shipped with the package (works from src/atlas and dist/atlas). */
export const BUILT_IN_ATLAS = fileURLToPath(new URL("../../data/atlas/alfa-romeo.yaml", import.meta.url));

/** Reads and validates an atlas file; throws ValidationError with file, line and field of each problem. */
export function loadAtlas(path: string = BUILT_IN_ATLAS): Promise<Atlas> {
  return readDocumentFile(path, Atlas);
}

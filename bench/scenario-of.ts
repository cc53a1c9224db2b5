import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { cflpToScenario, parseCflp } from "../src/domain/formats/cflp.js";
import type { Scenario } from "../src/domain/scenario.js";
import { SIZES, generateScenario } from "./generate.js";

/**
 * A benchmark instance by name: one of the synthetic network sizes (bench/generate.ts), or `cflp:<file>` for
 * an OR-Library facility-location file read the way `portello import cflp` reads it.
 */
export function benchScenario(instance: string): Scenario {
  if (instance.startsWith("cflp:")) {
    const file = instance.slice("cflp:".length);
    const id = basename(file, extname(file));
    return cflpToScenario(parseCflp(readFileSync(file, "utf8"), file), { id });
  }
  const size = SIZES.find((s) => s.name === instance);
  if (!size) throw new Error(`unknown size ${instance}; known: ${SIZES.map((s) => s.name).join(", ")}`);
  return generateScenario(size);
}

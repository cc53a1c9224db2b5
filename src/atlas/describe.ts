import { type ClaimValue, PROPERTIES, propertyBase } from "../domain/atlas.js";
import { formatNumber } from "./format-number.js";
import type { AtlasClaim, AtlasIndex } from "./claims.js";
import { formatSpan } from "./time.js";

/** The display name of a subject reference such as "plant:cassino". */
export function subjectName(subject: string, index: AtlasIndex): string {
  const [kind, id] = subject.split(":") as [string, string];
  const table = { group: index.groups, brand: index.brands, plant: index.plants, program: index.programs }[
    kind
  ];
  return table?.get(id)?.name ?? subject;
}

/** A claim's value in words: group and plant ids become names, booleans become sentences. */
export function describeValue(property: string, value: ClaimValue, index: AtlasIndex): string {
  const [base, qualifier] = property.split(":");
  if (base === "buildsBrand") {
    const brand = index.brands.get(qualifier ?? "")?.name ?? qualifier;
    return value ? `builds ${brand} cars` : `builds no ${brand} cars`;
  }
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (base === "owner") return index.groups.get(value)?.name ?? value;
  if (base === "producedAt") return index.plants.get(value)?.name ?? value;
  return value;
}

/** A property in words: "buildsBrand:alfa-romeo" → "builds Alfa Romeo". */
export function describeProperty(property: string, index: AtlasIndex): string {
  const [base, qualifier] = property.split(":");
  if (base === "buildsBrand") return `builds ${index.brands.get(qualifier ?? "")?.name ?? qualifier}`;
  if (qualifier) {
    const named = index.atlas.markets.find((m) => m.id === qualifier) ?? index.brands.get(qualifier);
    return `${base} (${named?.name ?? qualifier})`;
  }
  return base ?? property;
}

/** A claim's dates as the sources give them ("2016–2027", "since 2022-05"); "-" for a timeless property. */
export function describeSpan(claim: AtlasClaim): string {
  if (PROPERTIES[propertyBase(claim.property)]?.timeless) return "-";
  return formatSpan(claim.from, claim.to, claim.endUnknown);
}

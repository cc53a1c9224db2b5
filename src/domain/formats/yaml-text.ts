import { Document } from "yaml";

/** YAML with one line per lane and per demand row: thousands of them stay readable. */
export function scenarioYaml(value: object, comment: string): string {
  const doc = new Document(value);
  doc.commentBefore = ` ${comment}`;
  for (const key of ["lanes", "demand"]) {
    const list = doc.get(key, true) as { items?: { flow?: boolean }[] } | undefined;
    for (const item of list?.items ?? []) item.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}

import { z } from "zod";

/** Where a fact or a parameter comes from. Seed articles are sources too, including where they are wrong. */
export const SourceKind = z.enum(["official", "press", "enthusiast", "reference", "seed-article", "dataset"]);

export const Source = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case id: letters, digits, '.', '_' or '-'"),
    url: z.string().min(1).describe("URL of the page, or a path for a file shipped with Portello"),
    title: z.string().min(1),
    publisher: z.string().min(1),
    date: z
      .string()
      .regex(/^(\d{4}(-\d{2}(-\d{2})?)?|n\.d\.)$/, "a date as YYYY, YYYY-MM, YYYY-MM-DD or 'n.d.'")
      .describe("date of the source as shown by the page; 'n.d.' when none is visible"),
    dateIsApproximate: z.boolean().optional().describe("true where the date was inferred from the content"),
    kind: SourceKind,
    note: z.string().optional(),
  })
  .describe("a source: a page, document or dataset that facts cite");
export type Source = z.infer<typeof Source>;

/**
 * Every number in a scenario either cites sources or is an assumption with its reasoning.
 * `sources` are ids from the scenario's or the atlas's source list.
 */
export const Citation = z.union([
  z.strictObject({
    sources: z.array(z.string()).min(1),
    note: z.string().optional().describe("which figure of the source, or the arithmetic applied to it"),
  }),
  z.strictObject({
    assumption: z.string().min(10).describe("the reasoning behind an assumed value"),
    sources: z.array(z.string()).optional().describe("sources the reasoning leans on"),
  }),
]);
export type Citation = z.infer<typeof Citation>;

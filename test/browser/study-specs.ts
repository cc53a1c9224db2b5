/**
 * The study specs the study page tests start: two Alfa options — stay in Italy, or a dual-sourced Belvidere —
 * under wide ranges of the dollar and of E-segment demand (ranges for the tests, nothing measured).
 */

const PARAMETERS = {
  dollar: `  - id: dollar
    label: euros per dollar
    path: "fx.USD"
    distribution: { kind: uniform, min: 0.78, max: 0.96 }
    cite: { assumption: "a wide range around the case's 0.87, for the test" }
`,
  "dollar-near-break-even": `  - id: dollar
    label: euros per dollar
    path: "fx.USD"
    distribution: { kind: uniform, min: 0.85, max: 0.86 }
    cite: { assumption: "a narrow range where the two options' NPVs meet, for the test" }
`,
  "e-demand": `  - id: e-demand
    label: E-segment demand
    path: "demand[program=e-segment].volume.*"
    mode: scale
    unit: factor
    distribution: { kind: uniform, min: 0.5, max: 2 }
    cite: { assumption: "a wide range around the plan, for the test" }
`,
};

export function alfaStudySpec(spec: {
  id: string;
  question: string;
  parameters: (keyof typeof PARAMETERS)[];
  /** the spec's `methods` object, in YAML's flow style */
  methods: string;
  /** the solves' relative gap; by default the optimum itself */
  mipRelGap?: number;
}): string {
  return `portello: 1
id: ${spec.id}
question: ${spec.question}
headline: { answer: "yes", against: "no" }
seed: 11
${spec.mipRelGap === undefined ? "" : `solver: { mipRelGap: ${spec.mipRelGap} }\n`}options:
  - { id: italy, scenario: "builtin:alfa/italy-more-shifts", answer: "no" }
  - { id: belvidere, scenario: "builtin:alfa/reopen-belvidere-multi-source", answer: "yes" }
parameters:
${spec.parameters.map((id) => PARAMETERS[id]).join("")}methods: ${spec.methods}
`;
}

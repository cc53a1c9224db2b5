/** Exit codes scripts can rely on (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** unexpected failure (a bug): reported in one line, details with PORTELLO_DEBUG=1 */
  failure: 1,
  /** invalid input: a file or argument failed validation */
  invalidInput: 2,
  /** nothing matched the query (e.g. `portello where Nothing`) */
  notFound: 3,
  /** the scenario has no feasible plan */
  infeasible: 4,
  /** the solver stopped before proving optimality (time limit, cancelled) */
  notProven: 5,
  /** a usage error: unknown command or option */
  usage: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** "Did you mean" suggestions for misspelt field names and ids. */

/** Levenshtein distance, case-insensitive (users mistype case as often as letters). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * How far `word` is from `candidate`: the plain edit distance, or — for abbreviations such as 'capcity'
 * for 'capacityPerShift', or additions such as 'tooling-cost' for 'tooling' — the distance between the
 * shorter one and the longer one's prefix of the same length, plus a half (a whole-word match wins ties).
 */
function closeness(word: string, candidate: string): number {
  const whole = editDistance(word, candidate);
  const [short, long] = word.length <= candidate.length ? [word, candidate] : [candidate, word];
  if (short.length < 4 || short.length === long.length) return whole;
  return Math.min(whole, editDistance(short, long.slice(0, short.length)) + 0.5);
}

/** The candidate closest to `word`, if any is close enough to be a plausible typo. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.ceil(word.length / 3));
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const score = closeness(word, candidate);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= limit ? best : undefined;
}

/** " — did you mean 'x'?" or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : ` — did you mean '${match}'?`;
}

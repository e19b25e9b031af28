/**
 * Levenshtein distance, for the "did you mean" hints of errors on user input (a misspelt config
 * key, a signal name that is not in a waveform file). Names are short: one row of the table at a
 * time, and strings whose lengths differ by more than `cap` are not compared at all.
 */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

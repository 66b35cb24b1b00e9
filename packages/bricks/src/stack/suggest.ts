// "Did you mean ...?" for misspelt keys: the nearest known key by edit distance.

/**
 * Edit distance where swapping two neighbouring letters counts as one edit (optimal string
 * alignment), since `prot`/`port` is the commonest typo. Keys are short: a full table is fine.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    d.push([i]);
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        d[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]!.push(best);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate, if it is close enough to be a typo: 1 edit for words up to 5 letters,
 * 2 for longer ones, so `prot` suggests `port` but `run` does not suggest `user`.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = word.length <= 5 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

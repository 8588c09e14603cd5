// Where the shared n-grams of a contamination finding sit in the original texts, so a reviewer sees
// them highlighted in the prompt and in the benchmark statement. Matching compares NFKC-folded,
// lower-cased letter/digit runs (text.ts); this walks the ORIGINAL text run by run and maps every
// match token back to the characters it came from, so the highlight lands on what the user reads.
const RUN = /[\p{L}\p{N}]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Match tokens of `text` with the [start, end) character range each came from. */
export function tokenSpans(text: string): { token: string; start: number; end: number }[] {
  const out: { token: string; start: number; end: number }[] = [];
  // NFKC can turn one character into several (½ → 1⁄2) or punctuation into letters; fold per
  // character-run of the original, so spans stay within it. A run never grows across a boundary
  // that matchTokens would not also split, except for rare compatibility characters, which then
  // map to the run they came from.
  for (const m of text.matchAll(/[^\s]+/gu)) {
    const folded = m[0].normalize('NFKC').toLowerCase();
    const tokens = folded.match(WORD) ?? [];
    if (!tokens.length) continue;
    const originalRuns = [...m[0].matchAll(RUN)];
    tokens.forEach((token, k) => {
      // The k-th token maps to the k-th original run when the counts agree; otherwise to the whole chunk.
      const run = originalRuns.length === tokens.length ? originalRuns[k] : undefined;
      const start = m.index! + (run ? run.index! : 0);
      const end = run ? start + run[0].length : m.index! + m[0].length;
      out.push({ token, start, end });
    });
  }
  return out;
}

/** Merged [start, end) ranges of `text` covered by any of the `shared` n-grams (each n tokens). */
export function sharedSpans(text: string, shared: readonly string[], n: number): [number, number][] {
  if (!shared.length || n < 1) return [];
  const wanted = new Set(shared);
  const spans = tokenSpans(text);
  const covered = new Array<boolean>(spans.length).fill(false);
  for (let i = 0; i + n <= spans.length; i++) {
    const gram = spans.slice(i, i + n).map((s) => s.token).join(' ');
    if (wanted.has(gram)) for (let k = i; k < i + n; k++) covered[k] = true;
  }
  const out: [number, number][] = [];
  spans.forEach((s, i) => {
    if (!covered[i]) return;
    const last = out[out.length - 1];
    // Join neighbours separated only by spaces/punctuation, so a phrase highlights as one piece.
    if (last && i > 0 && covered[i - 1]) last[1] = s.end;
    else out.push([s.start, s.end]);
  });
  return out;
}

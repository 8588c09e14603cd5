// Which rows the list shows: text search plus the filter selects. Pure over the row array, so a
// filter change over 50,000 rows is one linear pass over precomputed lower-case haystacks.
import type { CuratorRow } from '../../src/core/protocol/curator';

export interface Filters {
  search: string;
  /** '' = any source. */
  source: string;
  /** '' = any; 'kept' | 'removed' | 'uncurated'; or 'reason:<name>'. */
  status: string;
  /** '' = any; 'unlabeled' | 'keep' | 'exclude' | 'flag'. */
  label: string;
  /** '' = any; 'unknown' or a difficulty value as text. */
  difficulty: string;
  /** Pass-rate range in percent, inclusive; rows without a pass rate only pass the full range. */
  passMin: number;
  passMax: number;
}

export const NO_FILTERS: Filters = { search: '', source: '', status: '', label: '', difficulty: '', passMin: 0, passMax: 100 };

export function haystackOf(row: CuratorRow): string {
  return `${row.id}\n${row.source}\n${row.text}`.toLowerCase();
}

export function rowMatches(row: CuratorRow, haystack: string, f: Filters, needles: string[]): boolean {
  for (const n of needles) if (!haystack.includes(n)) return false;
  if (f.source && row.source !== f.source) return false;
  if (f.status) {
    if (f.status.startsWith('reason:')) {
      if (!row.reasons.includes(f.status.slice('reason:'.length))) return false;
    } else if (row.status !== f.status) return false;
  }
  if (f.label) {
    if (f.label === 'unlabeled') { if (row.label) return false; }
    else if (row.label?.decision !== f.label) return false;
  }
  if (f.difficulty) {
    if (f.difficulty === 'unknown') { if (row.difficulty !== null) return false; }
    else if (row.difficulty === null || String(row.difficulty) !== f.difficulty) return false;
  }
  const fullRange = f.passMin <= 0 && f.passMax >= 100;
  if (!fullRange) {
    if (row.passRate === null) return false;
    const pct = row.passRate * 100;
    if (pct < f.passMin - 1e-9 || pct > f.passMax + 1e-9) return false;
  }
  return true;
}

/** Indices (into `rows`) of the rows that pass every filter, in dataset order. */
export function applyFilters(rows: readonly (CuratorRow | undefined)[], haystacks: readonly string[], f: Filters): Int32Array {
  const needles = f.search.toLowerCase().split(/\s+/).filter(Boolean);
  const out = new Int32Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row && rowMatches(row, haystacks[i], f, needles)) out[n++] = i;
  }
  return out.slice(0, n);
}

export function filtersAreActive(f: Filters): boolean {
  return f.search.trim() !== '' || f.source !== '' || f.status !== '' || f.label !== '' || f.difficulty !== ''
    || f.passMin > 0 || f.passMax < 100;
}

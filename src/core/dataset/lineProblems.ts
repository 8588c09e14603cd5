// Every input line a command could not use is listed, none only counted: DIR/skipped.jsonl (one
// {"file", "line", "field", "reason"} per skipped line) and DIR/warnings.jsonl (lines read but
// altered, e.g. invalid UTF-8 replaced), written atomically next to the command's output, plus a
// short summary for stderr (a count per reason and the first few places).
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { describeRowProblem, type RowProblem } from './errors';

export const SKIPPED_FILE = 'skipped.jsonl';
export const WARNINGS_FILE = 'warnings.jsonl';

function asJsonLine(p: RowProblem): string {
  return JSON.stringify({ file: p.file, line: p.line, ...(p.unit === 'row' ? { unit: 'row' } : {}), ...(p.field ? { field: p.field } : {}), reason: p.error }) + '\n';
}

/** Writes DIR/skipped.jsonl always (empty when nothing was skipped) and DIR/warnings.jsonl when there are warnings or an old one exists. */
export function writeLineProblems(outDir: string, skipped: readonly RowProblem[], warnings: readonly RowProblem[]): { skippedFile: string; warningsFile?: string } {
  const skippedFile = path.join(outDir, SKIPPED_FILE);
  writeFileAtomic(skippedFile, skipped.map(asJsonLine).join(''));
  const warningsFile = path.join(outDir, WARNINGS_FILE);
  if (warnings.length || fs.existsSync(warningsFile)) {
    writeFileAtomic(warningsFile, warnings.map(asJsonLine).join(''));
    return { skippedFile, warningsFile };
  }
  return { skippedFile };
}

/** The reason without its specifics (numbers, quoted text), to count lines by kind. */
function reasonKey(p: RowProblem): string {
  const reason = p.error.replace(/:.*$/s, '').replace(/\d+/g, 'N').slice(0, 60);
  return p.field ? `field '${p.field}': ${reason}` : reason;
}

/** Lines for stderr: how many were skipped per reason, the first places, and each warning (the first 20). */
export function summarizeLineProblems(skipped: readonly RowProblem[], warnings: readonly RowProblem[], rowsRead: number, files: { skippedFile: string; warningsFile?: string }): string[] {
  const out: string[] = [];
  if (skipped.length) {
    const counts = new Map<string, number>();
    for (const p of skipped) counts.set(reasonKey(p), (counts.get(reasonKey(p)) ?? 0) + 1);
    out.push(`skipped ${skipped.length} of ${rowsRead} input line(s), all listed in ${files.skippedFile}:`);
    for (const [reason, n] of [...counts].sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(6)}  ${reason}`);
    for (const p of skipped.slice(0, 5)) out.push(`  skipped ${p.file}:${p.unit === 'row' ? 'row ' : ''}${p.line}${p.field ? ` field '${p.field}'` : ''}: ${p.error}`);
  }
  for (const p of warnings.slice(0, 20)) out.push(`warning: ${describeRowProblem(p)} (kept)`);
  if (warnings.length > 20) out.push(`warning: … ${warnings.length - 20} more altered line(s), all listed in ${files.warningsFile}`);
  return out;
}

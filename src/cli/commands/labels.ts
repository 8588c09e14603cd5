// `acereason labels compact`: rewrites .acereason/labels.jsonl atomically with only the decisions in
// force, so the append-only journal never has to grow without bound.
import fs from 'node:fs';
import path from 'node:path';
import { compactLabels } from '../../core/labels/store';
import { labelsFile } from '../../core/runs/layout';
import { CliError, parseArgs, type CliCommand } from '../command';

const USAGE = `Usage: acereason labels compact [--file FILE] [--keep N]

Rewrites the curation journal (default ./.acereason/labels.jsonl) with only what is in force: per
prompt the last N decisions that were not undone (default 2: the decision in force and the one an
undo goes back to), no undo lines, so the journal holds at most N lines per prompt. The new file
replaces the old one atomically (a kill at any moment leaves one or the other); decisions appended
while it runs are kept; corrupt lines are moved to FILE.rejected. Exclusions and keeps read the
same before and after.

  --file FILE      the labels file
  --keep N         decisions kept per prompt (1 = only the one in force; default 2)
  --json           print the report as JSON`;

export const command: CliCommand = {
  name: 'labels',
  summary: 'maintain .acereason/labels.jsonl: `labels compact` rewrites it with only the decisions in force',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'compact') throw new CliError(`expected 'compact' after 'labels'${action ? `, got '${action}'` : ''}\n\n${USAGE}`);
    const { values } = parseArgs({ args: rest, strict: true, options: { file: { type: 'string' }, keep: { type: 'string' }, json: { type: 'boolean' } } });
    const keep = values.keep === undefined ? undefined : Number(values.keep);
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) throw new CliError(`--keep must be an integer ≥ 1, got '${values.keep}'`);
    const file = values.file ? path.resolve(io.cwd, values.file) : labelsFile(io.cwd);
    if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`);
    const report = compactLabels(file, { keepPerPrompt: keep });
    if (values.json) io.stdout.write(JSON.stringify({ file, ...report }) + '\n');
    else {
      io.stdout.write(`compacted ${file}: ${report.linesBefore} → ${report.linesAfter} lines, ${report.bytesBefore} → ${report.bytesAfter} bytes\n`);
      if (report.rejected) io.stderr.write(`${report.rejected} corrupt line(s) moved to ${report.rejectedFile}\n`);
    }
    return 0;
  },
};

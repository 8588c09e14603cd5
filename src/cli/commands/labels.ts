// `acereason labels compact`: rewrites .acereason/labels.jsonl atomically with only the decisions in
// force, so the append-only journal never has to grow without bound.
import fs from 'node:fs';
import path from 'node:path';
import { compactLabels } from '../../core/labels/store';
import { labelsFile } from '../../core/runs/layout';
import { CliError, parseArgs, type CliCommand } from '../command';

const USAGE = `Usage: acereason labels compact [--file FILE] [--latest-only]

Rewrites the curation journal (default ./.acereason/labels.jsonl) with only what is in force: each
prompt's decisions that were not undone, no undo lines. The new file replaces the old one atomically
(a kill at any moment leaves one or the other); decisions appended while it runs are kept; corrupt
lines are moved to FILE.rejected. Exclusions and keeps read the same before and after.

  --file FILE      the labels file
  --latest-only    keep only the decision in force per prompt (undo then cannot go further back)
  --json           print the report as JSON`;

export const command: CliCommand = {
  name: 'labels',
  summary: 'maintain .acereason/labels.jsonl: `labels compact` rewrites it with only the decisions in force',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'compact') throw new CliError(`expected 'compact' after 'labels'${action ? `, got '${action}'` : ''}\n\n${USAGE}`);
    const { values } = parseArgs({ args: rest, strict: true, options: { file: { type: 'string' }, 'latest-only': { type: 'boolean' }, json: { type: 'boolean' } } });
    const file = values.file ? path.resolve(io.cwd, values.file) : labelsFile(io.cwd);
    if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`);
    const report = compactLabels(file, { latestOnly: values['latest-only'] ?? false });
    if (values.json) io.stdout.write(JSON.stringify({ file, ...report }) + '\n');
    else {
      io.stdout.write(`compacted ${file}: ${report.linesBefore} → ${report.linesAfter} lines, ${report.bytesBefore} → ${report.bytesAfter} bytes\n`);
      if (report.rejected) io.stderr.write(`${report.rejected} corrupt line(s) moved to ${report.rejectedFile}\n`);
    }
    return 0;
  },
};

// `acereason job`: runs one piece of the editor's heavy work (curation, loading a dataset for the
// curator, verl export) in this process instead of the extension host. Reads one JSON request on
// stdin and writes JSON lines on stdout (core/launch/jobProtocol.ts). Meant for the extension; a
// person uses `curate` and `export` instead.
import fs from 'node:fs';
import { CliError, type CliCommand } from '../command';
import { JobRequest, type JobMessage } from '../../core/launch/jobProtocol';
import { runCuration, type CurationOptions } from '../../core/curate';
import { detectDomain, loadCuratorDataset, reviewEntriesJsonl } from '../../core/curate/reviewDataset';
import { exportVerl } from '../../core/verl/export';
import { DatasetError, FieldError } from '../../core/dataset/errors';
import { UserError } from '../../core/util/userError';
import { writeFileAtomic } from '../../core/util/atomic';

const USAGE = `Usage: acereason job < request.json

Internal: runs one job for the editor. stdin: one JSON request ({"kind": "curate" | "loadReview" |
"detectDomain" | "exportVerl", …}); stdout: JSON lines {"type": "progress" | "result" | "error", …}.`;

/** Progress lines at most this often: the editor shows the latest anyway. */
const PROGRESS_EVERY_MS = 100;
/** Unreadable rows listed in a loadReview result (the count is exact). */
const MAX_PROBLEMS = 10_000;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const command: CliCommand = {
  name: 'job',
  summary: 'internal: run one background job for the editor (JSON request on stdin, JSON lines on stdout)',
  usage: USAGE,
  async run(_args, io) {
    const send = (m: JobMessage) => io.stdout.write(JSON.stringify(m) + '\n');
    let raw: unknown;
    try {
      raw = JSON.parse(await readAll(io.stdin));
    } catch (e) {
      throw new CliError(`job: the request on stdin is not JSON: ${(e as Error).message}`);
    }
    const parsed = JobRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = `job: invalid request at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      send({ type: 'error', message, input: true });
      return 2;
    }
    let last = 0;
    const progress = (message: string, done?: number, total?: number, force = false) => {
      const now = Date.now();
      if (!force && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      send({ type: 'progress', message, ...(done !== undefined ? { done } : {}), ...(total !== undefined ? { total } : {}) });
    };
    try {
      const req = parsed.data;
      switch (req.kind) {
        case 'curate': {
          const result = await runCuration(req.options as unknown as CurationOptions, (p) => {
            progress(`${p.step ? `${p.step}: ` : ''}${p.message}`, p.done, p.total, p.phase === 'done');
          });
          send({ type: 'result', result: { report: result.report } });
          break;
        }
        case 'loadReview': {
          progress(`reading ${req.target}`, undefined, undefined, true);
          const ds = await loadCuratorDataset(req.target, req.workspace);
          progress(`read ${ds.entries.length} prompts`, ds.entries.length, ds.entries.length, true);
          writeFileAtomic(req.entriesFile, reviewEntriesJsonl(ds));
          send({ type: 'result', result: { name: ds.name, location: ds.location, curated: ds.curated, problems: ds.problems.slice(0, MAX_PROBLEMS), problemCount: ds.problems.length, entries: ds.entries.length } });
          break;
        }
        case 'detectDomain':
          send({ type: 'result', result: { domain: await detectDomain(req.file) } });
          break;
        case 'exportVerl': {
          progress(`exporting ${req.inputs.length} file(s)`, undefined, undefined, true);
          const report = await exportVerl({ inputs: req.inputs, validation: [], outDir: req.outDir, labelsFile: req.labelsFile && fs.existsSync(req.labelsFile) ? req.labelsFile : undefined });
          send({ type: 'result', result: report });
          break;
        }
      }
      return 0;
    } catch (e) {
      const input = e instanceof DatasetError || e instanceof FieldError || e instanceof UserError || e instanceof CliError
        || (e instanceof Error && /^(unknown step|domain must|ngram must|no input files|\w+ must be)/.test(e.message))
        || (typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).path === 'string');
      send({ type: 'error', message: (e as Error).message ?? String(e), input });
      return input ? 2 : 1;
    }
  },
};

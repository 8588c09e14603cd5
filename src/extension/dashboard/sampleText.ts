// The text of a sample opened as an editor document, and where under the run folder it is saved (no
// vscode import, so it is unit-tested). A code sample becomes a Python file whose code is exactly what
// the grader ran (core's extractor) under the header the verification CodeLens reads (core's writer):
//   # acereason: problem=<promptId> dataset=<dataset path or builtin:<recipe>>
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatSolutionHeader } from '../../core/codelens/header';
import type { SampleRecord } from '../../core/protocol/trainer';
import { answerStart, extractCode } from '../../core/reward/code/extract';

/**
 * The dataset a run trained on, from its config.json: `dataset`, else the resolved recipe's file
 * data source (`recipe.data.code` for code samples, `.math` for math), else `builtin:<recipe name>`.
 */
export function runDataset(configFile: string | undefined, domain: 'math' | 'code' = 'code'): string {
  if (!configFile) return 'builtin:demo';
  // The trainer writes the prompts it trains on (built-in tasks included) into the run folder, so
  // the CodeLens can find a sample's problem and tests by id.
  const written = path.join(path.dirname(configFile), 'data', `${domain}.jsonl`);
  if (fs.existsSync(written)) return written;
  try {
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    if (typeof config.dataset === 'string' && config.dataset) return config.dataset;
    const recipe = config.recipe;
    if (typeof recipe === 'string') return `builtin:${recipe}`;
    if (recipe && typeof recipe === 'object') {
      const r = recipe as { name?: unknown; data?: { source?: unknown; math?: unknown; code?: unknown } };
      const file = r.data?.source === 'files' ? (domain === 'code' ? r.data.code ?? r.data.math : r.data.math ?? r.data.code) : undefined;
      if (typeof file === 'string' && file) return file;
      if (typeof r.name === 'string') return `builtin:${r.name}`;
    }
  } catch { /* a run without a readable config: fall through */ }
  return 'builtin:demo';
}

/** Why the grader ran no code for this response (undefined when it found a block). */
export function noCodeReason(response: string): string | undefined {
  if (extractCode(response) !== null) return undefined;
  return answerStart(response) === null
    ? 'the response never closed its <think>, so it has no answer'
    : 'the response has no complete fenced code block after </think>';
}

export function sampleDocumentText(sample: SampleRecord, dataset: string): { language: string; content: string } {
  const header = { problemId: sample.promptId, dataset };
  if (sample.domain === 'code') {
    const code = extractCode(sample.response);
    const body = code !== null
      ? code
      : [`# The grader ran no code: ${noCodeReason(sample.response)}. The response, as comments:`,
        ...sample.response.split(/\r?\n/).map((l) => `# ${l}`)].join('\n');
    return { language: 'python', content: `${formatSolutionHeader(header, '#')}\n${body.endsWith('\n') ? body : `${body}\n`}` };
  }
  const answer = sample.extracted ?? '(none extracted)';
  const reference = sample.reference !== undefined ? ` · reference answer: \`${sample.reference.replace(/`/g, "'")}\`` : '';
  return {
    language: 'markdown',
    content: `${formatSolutionHeader(header, '<!--')}\n` +
      `**Step ${sample.step} · ${sample.stage} · reward ${sample.reward} · extracted answer:** \`${answer.replace(/`/g, "'")}\`${reference}\n\n` +
      `## Prompt\n\n${sample.prompt}\n\n## Response\n\n${sample.response}\n`,
  };
}

/**
 * Where a sample's document is saved: <run>/solutions/step-<step>-<stage>-<prompt id>-<response hash>.<py|md>,
 * a file the user can keep, diff and verify (not an `Untitled-1` that asks to be saved on close). The
 * hash tells two responses to one prompt at one step apart.
 */
export function sampleDocumentPath(runDir: string, sample: SampleRecord): string {
  const id = sample.promptId.normalize('NFKC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(0, 80) || 'prompt';
  const stage = sample.stage.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  const ext = sample.domain === 'code' ? 'py' : 'md';
  const hash = createHash('sha256').update(sample.response).digest('hex').slice(0, 8);
  return path.join(runDir, 'solutions', `step-${String(sample.step).padStart(5, '0')}-${stage}-${id}-${hash}.${ext}`);
}

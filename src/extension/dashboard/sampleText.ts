// The text of a sample opened as an editor document (no vscode import, so it is unit-tested). A
// code sample becomes a Python document whose first line is the header the verification CodeLens
// looks for:
//   # acereason: problem=<promptId> dataset=<dataset path or builtin:<recipe>>
import fs from 'node:fs';
import path from 'node:path';
import type { SampleRecord } from '../../core/protocol/trainer';

/** The last fenced code block after the reasoning (`</think>`), or undefined. */
export function extractCode(response: string): string | undefined {
  const afterThink = response.includes('</think>') ? response.slice(response.lastIndexOf('</think>') + 8) : response;
  const fences = [...afterThink.matchAll(/```[A-Za-z0-9_+-]*[^\S\n]*\n([\s\S]*?)```/g)];
  return fences.length ? fences[fences.length - 1][1] : undefined;
}

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

/** Header tokens are space-separated: keep ids and paths on one line without spaces breaking them. */
function headerToken(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/ /g, '%20');
}

export function sampleDocumentText(sample: SampleRecord, dataset: string): { language: string; content: string } {
  if (sample.domain === 'code') {
    const code = extractCode(sample.response) ?? sample.response;
    return {
      language: 'python',
      content: `# acereason: problem=${headerToken(sample.promptId)} dataset=${headerToken(dataset)}\n${code.endsWith('\n') ? code : `${code}\n`}`,
    };
  }
  const answer = sample.extracted ?? '(none extracted)';
  return {
    language: 'markdown',
    content: `<!-- acereason: problem=${headerToken(sample.promptId)} dataset=${headerToken(dataset)} -->\n` +
      `**Step ${sample.step} · ${sample.stage} · reward ${sample.reward} · extracted answer:** \`${answer.replace(/`/g, "'")}\`\n\n` +
      `## Prompt\n\n${sample.prompt}\n\n## Response\n\n${sample.response}\n`,
  };
}


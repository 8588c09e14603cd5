// verl rollout dumps (trainer.rollout_data_dir/<step>.jsonl: input, output, gts, score, step, and
// the reward's extra keys) as our SampleRecords, so the dashboard's samples pane, its filters and
// inline exclusion work on a cluster run. With our compute_score.py the prompt id is exact
// (acereason_id), so an exclusion lands in labels.jsonl under the id the next export filters on.
import { SampleRecord } from '../protocol/trainer';
import { extractAnswer } from '../reward/math';
import { fnv1a } from '../util/hash';

export function sampleFromRollout(row: unknown, opts: { stage?: string; fileStep?: number } = {}): SampleRecord | undefined {
  if (!row || typeof row !== 'object') return undefined;
  const r = row as Record<string, unknown>;
  const step = Number(r.step ?? opts.fileStep);
  const score = Number(r.score);
  if (!Number.isInteger(step) || step < 0 || !Number.isFinite(score)) return undefined;
  const input = String(r.input ?? '');
  const gts = typeof r.gts === 'string' ? r.gts : JSON.stringify(r.gts ?? '');
  const isCode = /"inputs"\s*:/.test(gts);
  const id = typeof r.acereason_id === 'string' ? r.acereason_id : `verl:${fnv1a(input).toString(16).padStart(8, '0')}`;
  const candidate = {
    step,
    stage: opts.stage ?? 'verl',
    promptId: id.slice(0, 500),
    source: typeof r.data_source === 'string' ? r.data_source.slice(0, 200) : undefined,
    domain: isCode ? 'code' : 'math',
    prompt: input.slice(0, 200_000),
    response: String(r.output ?? '').slice(0, 1_000_000),
    reward: score,
    // The same extraction the recipe's reward uses: the last \boxed{} after </think>.
    extracted: isCode ? null : extractAnswer(String(r.output ?? ''), { boxedOnly: true }).answer?.slice(0, 10_000) ?? null,
    verdict: `verl score ${score}${isCode ? '' : ` · reference ${gts.slice(0, 200)}`}`,
  };
  const parsed = SampleRecord.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

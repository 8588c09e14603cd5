// ablation.md / ablation.html: the paper's ablation tables for our runs — held-out pass@1 and
// pass@k at the end of every variant (mean ± sd over seeds), the training curves overlaid, and which
// variant wins (by mean pass@1 over the domains), with whether the margin is beyond the seeds' noise.
// The markdown holds numbers only (no timings), so two ablations with the same seeds give the same file.
import { describePlan } from '../../core/rl/schedule';
import type { Recipe } from '../../core/rl/recipe';
import { escapeHtml, escapeMarkdownCell } from '../report/escape';
import { reportHead } from '../report/page';
import { lineChart } from '../report/svg';
import { barChart } from './barChart';
import type { Domain, EvalRow, RunSummary } from './runSummary';
import { formatPoints, meanSd, type MeanSd } from './stats';
import type { AblationVariant } from './variants';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

export interface VariantRuns {
  variant: AblationVariant;
  recipe: Recipe;
  runs: { summary: RunSummary; seed: number; wallSeconds: number }[];
}

interface Scores {
  v: VariantRuns;
  cells: { domain: Domain; what: 'pass1' | 'passK'; k: number; m: MeanSd }[];
  /** Mean over domains of pass@1 at the end, per seed, then over seeds. */
  overall: MeanSd;
}

const last = (s: RunSummary): EvalRow | undefined => s.blocks[s.blocks.length - 1];

function scoresOf(v: VariantRuns, domains: Domain[]): Scores {
  const cells: Scores['cells'] = [];
  for (const domain of domains) {
    const k = v.runs.map((r) => last(r.summary)?.byDomain[domain]?.k).find((x) => x !== undefined) ?? 0;
    for (const what of ['pass1', 'passK'] as const) cells.push({ domain, what, k, m: meanSd(v.runs.map((r) => last(r.summary)?.byDomain[domain]?.[what] ?? NaN)) });
  }
  const perSeed = v.runs.map((r) => {
    const vals = domains.map((d) => last(r.summary)?.byDomain[d]?.pass1 ?? NaN);
    return vals.reduce((a, b) => a + b, 0) / vals.length;
  });
  return { v, cells, overall: meanSd(perSeed) };
}

/** Mean over seeds of a series of (step, value) per run, on the steps every run has. */
function meanCurve(points: { x: number; y: number }[][]): { x: number; y: number }[] {
  if (points.length === 0) return [];
  const byX = new Map<number, number[]>();
  for (const run of points) for (const p of run) byX.set(p.x, [...(byX.get(p.x) ?? []), p.y]);
  return [...byX.entries()].filter(([, ys]) => ys.length === points.length).sort((a, b) => a[0] - b[0]).map(([x, ys]) => ({ x, y: ys.reduce((a, b) => a + b, 0) / ys.length }));
}

export function buildAblationReport(variants: readonly VariantRuns[], skipped: readonly { variant: string; needs: string }[], o: { title: string; seeds: readonly number[] }): { html: string; md: string; winner?: string } {
  const withRuns = variants.filter((v) => v.runs.length > 0);
  const domains = (['math', 'code'] as const).filter((d) => withRuns.some((v) => v.runs.some((r) => last(r.summary)?.byDomain[d])));
  const scores = withRuns.map((v) => scoresOf(v, [...domains]));
  const ranked = [...scores].sort((a, b) => b.overall.mean - a.overall.mean);
  const winner = ranked[0];
  const runnerUp = ranked[1];
  let verdict = 'no runs finished';
  if (winner) {
    const margin = runnerUp ? 100 * (winner.overall.mean - runnerUp.overall.mean) : NaN;
    const noise = runnerUp ? 100 * Math.max(winner.overall.sd || 0, runnerUp.overall.sd || 0) : NaN;
    verdict = !runnerUp ? `only ${winner.v.variant.name} ran`
      : Math.abs(margin) < 0.05 ? `no variant wins: ${winner.v.variant.name} and ${runnerUp.v.variant.name} tie on mean held-out pass@1 over ${domains.join(' and ')} (${formatPoints(winner.overall)})`
      : `**${winner.v.variant.name}** wins on mean held-out pass@1 over ${domains.join(' and ')} (${formatPoints(winner.overall)}), ${margin.toFixed(1)} points ahead of ${runnerUp.v.variant.name}` +
        (o.seeds.length < 2 ? ' — one seed: no spread to judge the margin against' : margin > 2 * noise ? ` — more than twice the seeds' sd (${noise.toFixed(1)})` : ` — within twice the seeds' sd (${noise.toFixed(1)}): not a clear win`);
  }
  const head = ['variant', ...domains.flatMap((d) => { const k = scores[0]?.cells.find((c) => c.domain === d && c.what === 'passK')?.k; return [`${d} pass@1`, `${d} pass@${k}`]; }), 'mean pass@1'];
  const rows = scores.map((s) => [s.v.variant.name, ...s.cells.map((c) => formatPoints(c.m)), formatPoints(s.overall)]);
  const perStage = (s: VariantRuns) => s.runs[0]?.summary.stages ?? [];

  const md = [
    `# ${o.title}`,
    '',
    `Held-out evaluation at the end of each variant, mean ± sd over seeds ${o.seeds.join(', ')} (%). Every variant has the default's rollout budget and starts from the default's post-SFT checkpoint of the same seed.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---|').join('')}`,
    ...rows.map((r) => `| ${r.map(escapeMarkdownCell).join(' | ')} |`),
    '',
    verdict,
    '',
    '## Variants',
    '',
    ...variants.map((v) => `- **${escapeMarkdownCell(v.variant.name)}**: ${escapeMarkdownCell(v.variant.description)}; stages ${v.recipe.stages.map((s) => `${s.name} (${s.steps})`).join(' → ')}`),
    ...skipped.map((s) => `- **${escapeMarkdownCell(s.variant)}**: not run — needs ${escapeMarkdownCell(s.needs)}`),
    '',
    '## Held-out pass@1 after every stage (first seed, %)',
    '',
    ...withRuns.flatMap((v) => [
      `**${escapeMarkdownCell(v.variant.name)}**: ${perStage(v).map((r) => `${r.label}: ${domains.map((d) => `${d} ${r.byDomain[d] ? (100 * r.byDomain[d]!.pass1).toFixed(1) : '–'}`).join(', ')}`).join('; ')}`,
      '',
    ]),
  ].join('\n');

  const rewardChart = lineChart(withRuns.map((v, i) => ({ name: v.variant.name, color: COLORS[i % COLORS.length], points: meanCurve(v.runs.map((r) => r.summary.reward)) })), { title: 'Training reward per step (mean over seeds), variants overlaid', yMin: 0, yMax: 1 });
  const heldCharts = domains.map((d) => lineChart(withRuns.map((v, i) => ({
    name: v.variant.name, color: COLORS[i % COLORS.length],
    points: meanCurve(v.runs.map((r) => r.summary.stages.filter((s) => s.byDomain[d]).map((s) => ({ x: s.step, y: s.byDomain[d]!.pass1 })))),
  })), { title: `Held-out ${d} pass@1 after every stage (mean over seeds)`, yMin: 0, yMax: 1 }));
  const bars = barChart(scores.map((s) => ({ label: s.v.variant.name, values: domains.map((d) => { const c = s.cells.find((x) => x.domain === d && x.what === 'pass1')!; return { mean: 100 * c.m.mean, sd: 100 * c.m.sd }; }) })), {
    title: 'Held-out pass@1 at the end, mean ± sd over seeds', yLabel: 'percent', yMax: 100, series: domains.map((d, i) => ({ name: `${d} pass@1`, color: COLORS[i] })),
  });
  const wall = (v: VariantRuns) => meanSd(v.runs.map((r) => r.wallSeconds / 60));
  const html = `${reportHead(o.title, `pre{background:#f6f6f6;padding:6px;white-space:pre-wrap}`)}
<h1>${escapeHtml(o.title)}</h1>
<p>Held-out evaluation at the end of each variant, mean ± sd over seeds ${escapeHtml(o.seeds.join(', '))} (%). Every variant has the default's rollout budget and starts from the default's post-SFT checkpoint of the same seed.</p>
<table><tr>${[...head, 'wall time / run'].map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${scores.map((s, i) => `<tr>${[...rows[i], `${wall(s.v).mean.toFixed(1)} min`].map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</table>
<p>${escapeHtml(verdict.replace(/\*\*/g, ''))}</p>
${bars}
${rewardChart}
${heldCharts.join('\n')}
<h2>Variants</h2>
<ul>${variants.map((v) => `<li><b>${escapeHtml(v.variant.name)}</b>: ${escapeHtml(v.variant.description)}<pre>${escapeHtml(describePlan(v.recipe, v.runs[0]?.summary.plan ?? []).join('\n'))}</pre></li>`).join('')}
${skipped.map((s) => `<li><b>${escapeHtml(s.variant)}</b>: not run — needs ${escapeHtml(s.needs)}</li>`).join('')}</ul>
<p>Runs: ${withRuns.flatMap((v) => v.runs.map((r) => `<code>${escapeHtml(r.summary.runId)}</code>`)).join(', ')}</p>
</body></html>
`;
  return { html, md, winner: runnerUp && Math.abs(winner.overall.mean - runnerUp.overall.mean) < 0.0005 ? undefined : winner?.v.variant.name };
}

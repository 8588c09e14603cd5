// One report over several seeds of the same recipe: first a chart of held-out pass@1 mean ± sd at
// every evaluation (before RL, after each stage), then pass@1 / pass@k before RL and after each
// block of stages as mean ± sd, the paper's claims marked held / not held with the rule and the
// numbers, a chart of the same, and each seed's row for anyone who distrusts averages.
import { describePlan } from '../../core/rl/schedule';
import { emaSmooth } from '../../core/runs/smoothing';
import { escapeHtml, escapeMarkdownCell } from '../report/escape';
import { reportHead } from '../report/page';
import { lineChart, REPORT_SMOOTHING, type Series } from '../report/svg';
import { barChart } from './barChart';
import { checkClaims, heldWord, type ClaimCheck } from './claims';
import type { Domain, EvalRow, RunSummary } from './runSummary';
import { formatPoints, meanSd, type MeanSd } from './stats';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
const DOMAIN_COLORS: Record<Domain, Record<Column['what'], string>> = {
  math: { pass1: '#9467bd', passK: '#c5b0d5' },
  code: { pass1: '#2ca02c', passK: '#98df8a' },
};

export interface SeedRunInfo {
  summary: RunSummary;
  seed: number;
  wallSeconds: number;
}

interface Column {
  domain: Domain;
  what: 'pass1' | 'passK';
  title: string;
}

function columnsOf(runs: readonly RunSummary[]): Column[] {
  const cols: Column[] = [];
  for (const domain of ['math', 'code'] as const) {
    const k = runs.flatMap((r) => r.blocks).map((b) => b.byDomain[domain]?.k).find((v) => v !== undefined);
    if (k === undefined) continue;
    cols.push({ domain, what: 'pass1', title: `${domain} pass@1` }, { domain, what: 'passK', title: `${domain} pass@${k}` });
  }
  return cols;
}

/** The label order of the rows, from the first run (every seed runs the same plan). */
function rowLabels(runs: readonly RunSummary[]): string[] {
  return runs[0]?.blocks.map((b) => b.label) ?? [];
}

function cell(runs: readonly RunSummary[], label: string, c: Column): MeanSd {
  return meanSd(runs.map((r) => r.blocks.find((b) => b.label === label)).map((b: EvalRow | undefined) => b?.byDomain[c.domain]?.[c.what] ?? NaN));
}

/** The id of seeds.html's first chart: held-out pass@1 mean ± sd at every evaluation. */
export const SEEDS_HELD_OUT_CHART_ID = 'held-out-pass1-seeds';

/**
 * Held-out pass@1 in percent, mean ± sd over the seeds, at every evaluation of the first run's plan
 * (before RL and after each stage, placed at its step), one series per domain: whether the recipe
 * learns, and how much the seeds disagree, in one picture.
 */
function heldOutBySeedChart(runs: readonly RunSummary[]): string {
  const evalSteps = runs[0].stages;
  const series: Series[] = (['math', 'code'] as const).map((domain) => ({
    name: `${domain} pass@1 (mean ± sd)`,
    color: DOMAIN_COLORS[domain].pass1,
    points: evalSteps.flatMap((row) => {
      const m = meanSd(runs.map((r) => r.stages.find((s) => s.label === row.label)?.byDomain[domain]?.pass1 ?? NaN));
      return Number.isFinite(m.mean) ? [{ x: row.step, y: 100 * m.mean, sd: 100 * m.sd }] : [];
    }),
  })).filter((s) => s.points.length > 0);
  return lineChart(series, {
    id: SEEDS_HELD_OUT_CHART_ID, title: `Held-out pass@1 before RL and after each stage, mean ± sd over ${runs.length} seeds`,
    yLabel: 'pass@1 (%)', yMin: 0, yMax: 100, width: 900, height: 300, valueLabel: (v) => v.toFixed(1),
    markers: runs[0].plan.map((p) => ({ x: p.firstStep - 0.5, label: p.spec.name })),
  });
}

export function buildSeedsReport(infos: readonly SeedRunInfo[], title: string): { html: string; md: string; claims: ClaimCheck[]; summary: string[] } {
  const runs = infos.map((i) => i.summary);
  const claims = checkClaims(runs);
  const cols = columnsOf(runs);
  const labels = rowLabels(runs);
  const recipe = runs[0].recipe;
  const plan = describePlan(recipe, runs[0].plan);
  const wall = meanSd(infos.map((i) => i.wallSeconds / 60));
  const seeds = infos.map((i) => i.seed).join(', ');

  const tableMd = [
    `| when | ${cols.map((c) => c.title).join(' | ')} |`,
    `|---|${cols.map(() => '---|').join('')}`,
    ...labels.map((l) => `| ${l} | ${cols.map((c) => formatPoints(cell(runs, l, c))).join(' | ')} |`),
  ];
  const claimsMd = [
    '| claim | result | rule | evidence |',
    '|---|---|---|---|',
    ...claims.map((c) => `| (${c.id}) ${escapeMarkdownCell(c.claim)} | **${heldWord(c.held)}** | ${escapeMarkdownCell(c.rule)} | ${escapeMarkdownCell(c.evidence)} |`),
  ];
  const perSeedMd = [
    `| seed | wall time | when | ${cols.map((c) => c.title).join(' | ')} |`,
    `|---|---|---|${cols.map(() => '---|').join('')}`,
    ...infos.flatMap((i) => i.summary.blocks.map((b) => `| ${i.seed} | ${(i.wallSeconds / 60).toFixed(1)} min | ${b.label} | ${cols.map((c) => { const v = b.byDomain[c.domain]?.[c.what]; return v === undefined ? '–' : (100 * v).toFixed(1); }).join(' | ')} |`)),
  ];
  const md = [
    `# ${title}`,
    '',
    `Recipe **${escapeMarkdownCell(recipe.name)}**, seeds ${seeds}; wall time per run ${wall.mean.toFixed(1)}${Number.isFinite(wall.sd) ? ` ± ${wall.sd.toFixed(1)}` : ''} min. ${escapeMarkdownCell(recipe.description)}`,
    '',
    '```',
    ...plan,
    '```',
    '',
    `## Held-out evaluation, mean ± sd over ${infos.length} seeds (%)`,
    '',
    ...tableMd,
    '',
    '## The paper\'s claims',
    '',
    ...claimsMd,
    '',
    '## Every seed',
    '',
    ...perSeedMd,
    '',
  ].join('\n');

  // The domains keep their colours from the first chart (math purple, code green); pass@k is the paler shade.
  const series = cols.filter((c) => c.what === 'pass1' || c.domain === 'math').map((c) => ({ c, name: c.title, color: DOMAIN_COLORS[c.domain][c.what] }));
  const chart = barChart(labels.map((l) => ({ label: l, values: series.map((s) => { const m = cell(runs, l, s.c); return { mean: 100 * m.mean, sd: 100 * m.sd }; }) })), {
    title: `Held-out evaluation, mean ± sd over ${infos.length} seeds`, yLabel: 'percent', series: series.map((s) => ({ name: s.name, color: s.color })), yMax: 100,
  });
  const markers = runs[0].plan.map((p) => ({ x: p.firstStep - 0.5, label: p.spec.name }));
  const reward = lineChart(infos.map((i, n) => {
    const smooth = emaSmooth(i.summary.reward.map((p) => p.y), REPORT_SMOOTHING);
    return { name: `seed ${i.seed}`, color: COLORS[n % COLORS.length], points: i.summary.reward.map((p, k) => ({ x: p.x, y: smooth[k] })) };
  }), { title: `Training reward per step (critic/score/mean, smoothed: EMA ${REPORT_SMOOTHING}), each seed`, markers, yMin: 0, yMax: 1 });
  const heldOut = heldOutBySeedChart(runs);
  const htmlTable = (head: string[], rows: string[][]) => `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
  const html = `${reportHead(title, `pre{background:#f6f6f6;padding:6px;white-space:pre-wrap}
.held{color:#1a7f37;font-weight:600} .not{color:#cf222e;font-weight:600} .nc{color:#777}`)}
<h1>${escapeHtml(title)}</h1>
<p>Recipe <b>${escapeHtml(recipe.name)}</b>, seeds ${escapeHtml(seeds)}; wall time per run ${wall.mean.toFixed(1)}${Number.isFinite(wall.sd) ? ` ± ${wall.sd.toFixed(1)}` : ''} min.<br>${escapeHtml(recipe.description)}</p>
<pre>${escapeHtml(plan.join('\n'))}</pre>
${heldOut}
<h2>The paper's claims</h2>
${htmlTable(['claim', 'result', 'rule', 'evidence'], claims.map((c) => [`(${escapeHtml(c.id)}) ${escapeHtml(c.claim)}`, `<span class="${c.held === undefined ? 'nc' : c.held ? 'held' : 'not'}">${heldWord(c.held)}</span>`, escapeHtml(c.rule), escapeHtml(c.evidence)]))}
<h2>Held-out evaluation, mean ± sd over ${infos.length} seeds (%)</h2>
${htmlTable(['when', ...cols.map((c) => c.title)], labels.map((l) => [escapeHtml(l), ...cols.map((c) => escapeHtml(formatPoints(cell(runs, l, c))))]))}
${chart}
${reward}
<h2>Every seed</h2>
${htmlTable(['seed', 'wall time', 'when', ...cols.map((c) => c.title)], infos.flatMap((i) => i.summary.blocks.map((b) => [String(i.seed), `${(i.wallSeconds / 60).toFixed(1)} min`, escapeHtml(b.label), ...cols.map((c) => { const v = b.byDomain[c.domain]?.[c.what]; return v === undefined ? '–' : (100 * v).toFixed(1); })])))}
<p>Runs: ${infos.map((i) => `<code>${escapeHtml(i.summary.runId)}</code>`).join(', ')}</p>
</body></html>
`;
  const summary = [...tableMd, '', ...claims.map((c) => `(${c.id}) ${c.claim}: ${heldWord(c.held)} — ${c.evidence}`)];
  return { html, md, claims, summary };
}

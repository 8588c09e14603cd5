// report.html (self-contained: inline CSS and SVG, no scripts) and report.md (the numbers) from what
// the run wrote to disk — metrics.jsonl and samples.jsonl — so a report can be rebuilt from any run
// folder, including one from another machine.
import path from 'node:path';
import katex from 'katex';
import type { MetricsLine } from '../../core/protocol/metrics';
import type { SampleRecord } from '../../core/protocol/trainer';
import { describeModel, type Recipe } from '../../core/rl/recipe';
import type { PlannedStage } from '../../core/rl/schedule';
import type { RunPaths } from '../../core/runs/layout';
import { readJsonLines, writeFileAtomic } from '../../core/util/atomic';
import { splitMath } from '../../core/runs/mathSegments';
import { emaSmooth } from '../../core/runs/smoothing';
import { heldOutChanges, passAt1BySource, type HeldOutChange } from '../eval/heldOutChange';
import { escapeHtml, escapeMarkdownCell } from './escape';
import { reportHead } from './page';
import { lineChart, REPORT_SMOOTHING, type Series } from './svg';

export interface ReportInfo {
  recipe: Recipe;
  runId: string;
  phase: string;
  plan: readonly PlannedStage[];
  wallSeconds: number;
  parameters: number;
  backend: string;
}

export interface EvalPoint {
  label: string;
  step: number;
  /** source → { pass@1 (avg@k), pass@k, k } */
  bySource: Record<string, { pass1: number; passK: number; k: number }>;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
/** The id of report.html's first chart: held-out pass@1 at every evaluation. */
export const HELD_OUT_CHART_ID = 'held-out-pass1';

/**
 * Evaluation points in order: before RL, then after each stage (by the step they were logged at).
 * A step evaluated twice (a run resumed from the checkpoint before it logs it again) counts once,
 * with the later numbers, as in the seeds and ablation summaries.
 */
export function evalPoints(metrics: readonly MetricsLine[], plan: readonly PlannedStage[]): EvalPoint[] {
  const out: EvalPoint[] = [];
  for (const line of metrics) {
    const keys = Object.keys(line.data).filter((k) => /^val-core\/.+\/acc\/mean@\d+$/.test(k));
    if (keys.length === 0) continue;
    const bySource: EvalPoint['bySource'] = {};
    for (const k of keys) {
      const m = /^val-core\/(.+)\/acc\/mean@(\d+)$/.exec(k)!;
      const source = m[1]; const n = Number(m[2]);
      bySource[source] = { pass1: line.data[k], passK: line.data[`val-aux/${source}/pass@${n}`] ?? NaN, k: n };
    }
    const again = out.find((e) => e.step === line.step);
    if (again) { again.bySource = bySource; continue; }
    const stage = plan.find((p) => p.lastStep === line.step);
    const label = line.step === 0 && out.length === 0 ? 'before RL' : stage ? `after ${stage.spec.name}` : `step ${line.step}`;
    out.push({ label, step: line.step, bySource });
  }
  return out;
}

export interface StageHeldOutChange {
  stage: string;
  step: number;
  changes: HeldOutChange[];
}

/**
 * What each stage did to every held-out set, from the evaluations in the metrics lines: the one
 * logged at a stage's last step against the evaluation before it (the same rule as the trainer's
 * `pass@1_change` metric and WARN event, so report, events and dashboard agree).
 */
export function stageHeldOutChanges(metrics: readonly MetricsLine[], plan: readonly PlannedStage[]): StageHeldOutChange[] {
  // One evaluation per step, the last logged (as in evalPoints).
  const byStep = new Map<number, Record<string, number>>();
  for (const line of metrics) {
    const now = passAt1BySource(line.data);
    if (Object.keys(now).length > 0) byStep.set(line.step, now);
  }
  const out: StageHeldOutChange[] = [];
  let previous: Record<string, number> | undefined;
  for (const [step, now] of byStep) {
    const stage = plan.find((p) => p.lastStep === step);
    if (stage && previous) out.push({ stage: stage.spec.name, step, changes: heldOutChanges(previous, now, stage.spec.name) });
    previous = now;
  }
  return out;
}

/** A change in points with its sign: "+1.0", "−12.1". */
function signedPoints(delta: number): string {
  const p = (100 * delta).toFixed(1);
  return delta < 0 && p !== '-0.0' ? `−${p.slice(1)}` : `+${p.replace('-', '')}`;
}

function heldOutChangeHtml(stages: readonly StageHeldOutChange[]): string {
  if (stages.length === 0) return '<p>No stage has a held-out evaluation both before and after it.</p>';
  const sources = [...new Set(stages.flatMap((s) => s.changes.map((c) => c.source)))].sort();
  const rows = stages.map((s) => `<tr><td>${escapeHtml(s.stage)}</td><td>${s.step}</td>${sources.map((src) => {
    const c = s.changes.find((x) => x.source === src);
    return `<td${c?.comment ? ' class="bad"' : ''}>${c ? signedPoints(c.delta) : '–'}</td>`;
  }).join('')}</tr>`).join('');
  const drops = stages.flatMap((s) => s.changes.filter((c) => c.comment).map((c) => c.comment!));
  const comments = drops.length
    ? `<ul class="held-out-drops">${drops.map((d) => `<li class="bad"><b>Drop:</b> ${escapeHtml(d)}</li>`).join('')}</ul>`
    : '<p class="held-out-drops">No held-out set fell by more than 2 points during any stage.</p>';
  return `<table><tr><th>stage</th><th>step</th>${sources.map((s) => `<th>${escapeHtml(s)} pass@1 change</th>`).join('')}</tr>${rows}</table>\n${comments}`;
}

function heldOutChangeMd(stages: readonly StageHeldOutChange[]): string[] {
  if (stages.length === 0) return ['No stage has a held-out evaluation both before and after it.'];
  const sources = [...new Set(stages.flatMap((s) => s.changes.map((c) => c.source)))].sort();
  const drops = stages.flatMap((s) => s.changes.filter((c) => c.comment).map((c) => c.comment!));
  return [
    `| stage | step | ${sources.map((s) => `${escapeMarkdownCell(s)} pass@1 change`).join(' | ')} |`,
    `|---|---|${sources.map(() => '---|').join('')}`,
    ...stages.map((s) => `| ${escapeMarkdownCell(s.stage)} | ${s.step} | ${sources.map((src) => {
      const c = s.changes.find((x) => x.source === src);
      return c ? signedPoints(c.delta) : '–';
    }).join(' | ')} |`),
    '',
    ...(drops.length ? drops.map((d) => `> **Drop:** ${escapeMarkdownCell(d)}`) : ['No held-out set fell by more than 2 points during any stage.']),
  ];
}

/**
 * Text with its LaTeX typeset as MathML (KaTeX's `mathml` output: browsers draw it natively, so the
 * report stays one file with no fonts, scripts or stylesheets to ship); text is escaped, a formula
 * KaTeX cannot parse stays as written.
 */
export function mathHtml(text: string): string {
  return splitMath(text).map((seg) => {
    if (seg.kind === 'text') return escapeHtml(seg.text);
    try {
      return katex.renderToString(seg.tex, { displayMode: seg.display, output: 'mathml', throwOnError: true, trust: false, strict: 'ignore', maxSize: 20, maxExpand: 200 });
    } catch {
      return escapeHtml(seg.source);
    }
  }).join('');
}

/** A sample text typeset, with the raw text one click away (a <details>, no script). */
function textWithRaw(text: string): string {
  return `<div class="typeset">${mathHtml(text)}</div><details class="raw"><summary>raw text</summary><pre>${escapeHtml(text)}</pre></details>`;
}

function trainSeries(metrics: readonly MetricsLine[], key: string): { x: number; y: number }[] {
  return metrics.filter((l) => typeof l.data[key] === 'number' && typeof l.data['critic/score/mean'] === 'number').map((l) => ({ x: l.step, y: l.data[key] }));
}

/** A noisy per-step curve as the dashboard shows it: faint raw values under TensorBoard's smoothed line. */
function smoothedSeries(name: string, color: string, points: readonly { x: number; y: number }[]): Series[] {
  const smooth = emaSmooth(points.map((p) => p.y), REPORT_SMOOTHING);
  return [
    { name: `${name} (raw)`, color, points: [...points], faint: true },
    { name: `${name} (smoothed, EMA ${REPORT_SMOOTHING})`, color, points: points.map((p, i) => ({ x: p.x, y: smooth[i] })) },
  ];
}

/**
 * Held-out pass@1 (or pass@k) in percent at every evaluation — before RL and after each stage —
 * one series per held-out source, the values written beside the points: the chart that shows
 * whether the run learned, so it comes first in the report.
 */
function heldOutChart(evals: readonly EvalPoint[], sources: readonly string[], what: 'pass1' | 'passK', o: { title: string; id?: string; markers: { x: number; label: string }[]; width?: number; height?: number }): string {
  const series: Series[] = sources.map((s, i) => ({
    name: what === 'pass1' ? `${s} pass@1` : `${s} pass@${evals.find((e) => e.bySource[s])?.bySource[s].k ?? 'k'}`,
    color: COLORS[(i + 2) % COLORS.length],
    points: evals.filter((e) => e.bySource[s] && Number.isFinite(e.bySource[s][what])).map((e) => ({ x: e.step, y: 100 * e.bySource[s][what] })),
  }));
  return lineChart(series, { ...o, yLabel: `${what === 'pass1' ? 'pass@1' : 'pass@k'} (%)`, yMin: 0, yMax: 100, valueLabel: (v) => v.toFixed(1) });
}

export function buildReport(metrics: readonly MetricsLine[], samples: readonly SampleRecord[], info: ReportInfo): { html: string; md: string } {
  const evals = evalPoints(metrics, info.plan);
  const stageChanges = stageHeldOutChanges(metrics, info.plan);
  const sources = [...new Set(evals.flatMap((e) => Object.keys(e.bySource)))].sort();
  const markers = info.plan.map((p) => ({ x: p.firstStep - 0.5, label: p.spec.name }));
  const reward = lineChart(smoothedSeries('critic/score/mean', COLORS[0], trainSeries(metrics, 'critic/score/mean')), { title: 'Training reward (mean over rollouts)', yLabel: 'mean reward', markers, yMin: 0, yMax: 1 });
  const length = lineChart([
    { name: 'response_length/mean', color: COLORS[1], points: trainSeries(metrics, 'response_length/mean') },
    { name: 'response_length/max', color: COLORS[4], points: trainSeries(metrics, 'response_length/max') },
  ], { title: 'Response length (tokens)', yLabel: 'tokens', markers, yMin: 0 });
  const zeroStd = lineChart([{ name: 'frac_reward_zero_std', color: COLORS[3], points: trainSeries(metrics, 'frac_reward_zero_std') }], { title: 'Groups with all-equal rewards', yLabel: 'fraction of groups', markers, yMin: 0, yMax: 1 });
  // k as the evaluations logged it (a metrics file from elsewhere may differ from the recipe's).
  const k = evals.flatMap((e) => Object.values(e.bySource)).find((v) => v.k > 0)?.k ?? info.recipe.eval.k;
  const pass = heldOutChart(evals, sources, 'pass1', { id: HELD_OUT_CHART_ID, title: `Held-out pass@1 (avg@${k}) before RL and after each stage`, markers, width: 900, height: 300 });
  const hasPassK = evals.some((e) => Object.values(e.bySource).some((v) => Number.isFinite(v.passK)));
  const passK = hasPassK ? heldOutChart(evals, sources, 'passK', { title: `Held-out pass@${k} (problems solved at least once in ${k} samples)`, markers }) : '';
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : (100 * v).toFixed(1));
  const evalRowsHtml = evals.map((e) => `<tr><td>${escapeHtml(e.label)}</td><td>${e.step}</td>${sources.map((s) => `<td>${pct(e.bySource[s]?.pass1)}</td><td>${pct(e.bySource[s]?.passK)}</td>`).join('')}</tr>`).join('');
  const kOf = (s: string) => evals.find((e) => e.bySource[s])?.bySource[s].k ?? 0;
  const evalHead = `<tr><th>when</th><th>step</th>${sources.map((s) => `<th>${escapeHtml(s)} pass@1</th><th>${escapeHtml(s)} pass@${kOf(s)}</th>`).join('')}</tr>`;
  const stageRows = info.plan.map((p) => {
    const lines = metrics.filter((l) => l.step >= p.firstStep && l.step <= p.lastStep && typeof l.data['critic/score/mean'] === 'number');
    const avg = (k: string) => (lines.length ? lines.reduce((a, l) => a + (l.data[k] ?? 0), 0) / lines.length : NaN);
    return { p, steps: lines.length, reward: avg('critic/score/mean'), length: avg('response_length/mean'), clip: avg('response_length/clip_ratio'), zero: avg('frac_reward_zero_std'), secs: lines.reduce((a, l) => a + (l.data['timing_s/step'] ?? 0), 0) };
  });
  const shown = samples.slice(-8);
  const r = info.recipe;
  const html = `${reportHead(`AceReason run ${info.runId}`, `pre,.typeset{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-word;margin:4px 0} .ok{color:#1a7f37} .bad{color:#cf222e}
details.raw summary{cursor:pointer;color:#555;font-size:12px} svg .stage{fill:#8a6d00} math[display=block]{margin:4px 0}`)}
<h1>AceReason run <code>${escapeHtml(info.runId)}</code></h1>
<p>Recipe <b>${escapeHtml(r.name)}</b> (phase ${escapeHtml(info.phase)}, seed ${r.seed}) — ${escapeHtml(r.description)}<br>
Policy: ${info.parameters.toLocaleString('en-US')} parameters (${r.model.source === 'builtin' ? `${r.model.layers} layers, width ${r.model.width}, ${r.model.heads} heads, context ${r.model.contextLength}` : escapeHtml(describeModel(r.model))}); backend ${escapeHtml(info.backend)}; wall time ${(info.wallSeconds / 60).toFixed(1)} min.<br>
GRPO: ${r.grpo.updatesPerBatch === 1 ? 'strictly on-policy (one update per batch)' : `${r.grpo.updatesPerBatch} updates per rollout batch (off-policy)`}, ${escapeHtml(r.grpo.policyLoss)} policy loss, ${escapeHtml(r.grpo.lossAggregation)} aggregation, no KL, no entropy bonus, advantage (r − mean)/(std + 1e-6) per group.</p>
<h2>Held-out evaluation (pass@1 = avg@${r.eval.k} at T=${r.eval.temperature}, top-p ${r.eval.topP}; %)</h2>
${pass}
<table>${evalHead}${evalRowsHtml}</table>
${passK}
<h2>Held-out changes after each stage (pass@1, points)</h2>
${heldOutChangeHtml(stageChanges)}
<h2>Training</h2>
${reward}${length}${zeroStd}
<h2>Stages</h2>
<table><tr><th>stage</th><th>domain</th><th>steps</th><th>prompts×G</th><th>max length</th><th>T</th><th>mean reward</th><th>mean length</th><th>clip ratio</th><th>zero-std groups</th><th>seconds</th></tr>
${stageRows.map((s) => `<tr><td>${escapeHtml(s.p.spec.name)}</td><td>${escapeHtml(s.p.spec.domain)}</td><td>${s.steps}</td><td>${s.p.spec.promptsPerStep}×${s.p.spec.rolloutsPerPrompt}</td><td>${s.p.spec.maxResponseLength}</td><td>${s.p.spec.temperature}</td><td>${s.reward.toFixed(3)}</td><td>${s.length.toFixed(1)}</td><td>${s.clip.toFixed(2)}</td><td>${s.zero.toFixed(2)}</td><td>${s.secs.toFixed(0)}</td></tr>`).join('\n')}
</table>
<h2>Last samples</h2>
${shown.map((s) => `<div><b>${escapeHtml(s.stage)}</b> step ${s.step} · <code>${escapeHtml(s.promptId)}</code> · <span class="${s.reward > 0.5 ? 'ok' : 'bad'}">reward ${s.reward}</span> · ${escapeHtml(s.verdict)}${textWithRaw(s.prompt)}${textWithRaw(s.response)}</div>`).join('\n')}
</body></html>
`;
  const md = [
    `# AceReason run ${info.runId}`,
    '',
    `Recipe **${escapeMarkdownCell(r.name)}** (phase ${info.phase}, seed ${r.seed}); ${info.parameters} parameters; backend ${escapeMarkdownCell(info.backend)}; wall time ${(info.wallSeconds / 60).toFixed(1)} min.`,
    '',
    `## Held-out evaluation (pass@1 = avg@${r.eval.k} at T=${r.eval.temperature}, top-p ${r.eval.topP}; %)`,
    '',
    `| when | step | ${sources.map((s) => `${escapeMarkdownCell(s)} pass@1 | ${escapeMarkdownCell(s)} pass@${kOf(s)}`).join(' | ')} |`,
    `|---|---|${sources.map(() => '---|---|').join('')}`,
    ...evals.map((e) => `| ${escapeMarkdownCell(e.label)} | ${e.step} | ${sources.map((s) => `${pct(e.bySource[s]?.pass1)} | ${pct(e.bySource[s]?.passK)}`).join(' | ')} |`),
    '',
    '## Held-out changes after each stage (pass@1, points)',
    '',
    ...heldOutChangeMd(stageChanges),
    '',
    '## Stages',
    '',
    '| stage | domain | steps | prompts×G | max length | T | mean reward | mean length | clip ratio | zero-std groups | seconds |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...stageRows.map((s) => `| ${escapeMarkdownCell(s.p.spec.name)} | ${s.p.spec.domain} | ${s.steps} | ${s.p.spec.promptsPerStep}×${s.p.spec.rolloutsPerPrompt} | ${s.p.spec.maxResponseLength} | ${s.p.spec.temperature} | ${s.reward.toFixed(3)} | ${s.length.toFixed(1)} | ${s.clip.toFixed(2)} | ${s.zero.toFixed(2)} | ${s.secs.toFixed(0)} |`),
    '',
  ].join('\n');
  return { html, md };
}

export function writeReports(paths: RunPaths, info: ReportInfo): { html: string; md: string } {
  const metrics = readJsonLines<MetricsLine>(paths.metrics).records;
  const samples = readJsonLines<SampleRecord>(paths.samples).records;
  const { html, md } = buildReport(metrics, samples, info);
  writeFileAtomic(paths.reportHtml, html);
  writeFileAtomic(paths.reportMd, md);
  return { html: path.relative(process.cwd(), paths.reportHtml) || paths.reportHtml, md: path.relative(process.cwd(), paths.reportMd) || paths.reportMd };
}

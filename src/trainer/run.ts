// Entry point of a training run — the recipe end to end: curate → SFT warm-up → evaluate →
// for each stage (math stages with growing length, then code): filter prompts, GRPO steps, evaluate
// → report. Called by the forked trainer process (extension) and in-process by `acereason train`.
// Resumable: every checkpoint holds the policy, the tokenizer and where the run is; everything
// random derives from (seed, purpose, step), so a resumed run repeats an uninterrupted one.
import fs from 'node:fs';
import path from 'node:path';
import type { PromptRecord } from '../core/dataset/records';
import type { StartRunRequest } from '../core/protocol/trainer';
import { dropSolvedPrompts, SolveTally } from '../core/rl/curriculum';
import { passRatesFile, recordPassRates } from '../core/curate/passRates';
import type { Recipe } from '../core/rl/recipe';
import { deriveSeed, Rng } from '../core/rl/rng';
import { describePlan, planStages, totalSteps, type PlannedStage } from '../core/rl/schedule';
import { labelsFile, runPaths } from '../core/runs/layout';
import { writeFileAtomic, writeJsonAtomic } from '../core/util/atomic';
import { currentBackend } from './backend';
import type { RunContext } from './context';
import { evalMetrics, evaluateHeldOut, type EvalResult } from './eval/evaluate';
import { CharTokenizer, createPolicy, loadPolicy, type Policy, type TransformerPolicy } from './model/index';
import { ParallelPolicy } from './parallel/parallel-policy';
import { writeReports } from './report/report';
import { Rewards } from './rewards';
import { latestCheckpoint, TOKENIZER_FILE, writeCheckpoint, type TrainerState } from './rl/checkpoint';
import { PromptCodec } from './rl/codec';
import { grpoStep } from './rl/grpoStep';
import { PromptPool } from './rl/promptPool';
import { missingData, resolveRecipe } from './rl/resolveRecipe';
import { RunLog } from './rl/runLog';
import { runSft } from './sft/sft';
import { decontaminate } from './tasks/curate';
import { loadTaskData, type TaskData } from './tasks/load';

type Domain = PromptRecord['domain'];
export const RESOLVED_RECIPE_FILE = 'recipe.json';
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('') + '\n\t';

export async function runTraining(req: StartRunRequest, ctx: RunContext): Promise<'finished' | 'stopped'> {
  const recipe = resolveRecipe(req.recipe, { seed: req.seed, dataset: req.dataset });
  const noData = missingData(recipe);
  if (noData) throw new Error(noData);
  const plan = planStages(recipe, req.phase ?? 'all');
  const paths = runPaths(req.runsDir, req.runId);
  const log = new RunLog(paths, req.runId, ctx);
  const wallStart = Date.now();

  // --- resume or start
  const resumeDir = req.resumeFrom ? path.resolve(req.resumeFrom) : undefined;
  const resume = resumeDir ? latestCheckpoint(path.join(resumeDir, 'checkpoints')) : undefined;
  if (resumeDir && !resume) throw new Error(`cannot resume: ${resumeDir} has no complete checkpoint under checkpoints/`);
  const inPlace = !!resume && resumeDir === path.resolve(paths.dir);
  fs.mkdirSync(paths.dir, { recursive: true });
  if (inPlace) log.restore(resume!.state.log);
  else if (fs.existsSync(paths.metrics) && fs.statSync(paths.metrics).size > 0) throw new Error(`run folder ${paths.dir} already has metrics; use --resume ${paths.dir} or a new run id`);
  // The resolved recipe on its own, so `acereason train --resume <run>` needs no other argument.
  writeJsonAtomic(path.join(paths.dir, RESOLVED_RECIPE_FILE), recipe);
  writeJsonAtomic(paths.config, { recipe, phase: req.phase ?? 'all', seed: recipe.seed, runId: req.runId, resumedFrom: resume?.dir, backend: currentBackend()?.name, ...(req.dataset ? { dataset: req.dataset } : {}) });
  log.status('running', { step: resume && inPlace ? resume.state.step : 0 });
  ctx.emit({ type: 'status', runId: req.runId, status: 'running' });
  log.event(inPlace ? `resuming ${req.runId} from ${resume!.dir} (step ${resume!.state.step})` : `run ${req.runId} started${resume ? ` from the weights of ${resume.dir}` : ''}; backend ${currentBackend()?.name ?? 'default'}`);
  for (const line of describePlan(recipe, plan)) log.event(line);

  // --- data and curation
  const data = loadTaskData(recipe);
  curate(data, log);
  writeRunPrompts(paths.dir, data);
  const domains = [...new Set(plan.map((p) => p.spec.domain))];
  const recordsOf = (d: Domain) => data[d];

  // --- tokenizer and policy
  let tokenizer: CharTokenizer;
  let single: TransformerPolicy;
  if (resume) {
    tokenizer = CharTokenizer.fromJSON(JSON.parse(fs.readFileSync(path.join(resume.dir, TOKENIZER_FILE), 'utf8')), path.join(resume.dir, TOKENIZER_FILE));
    single = await loadPolicy(resume.dir);
  } else {
    const corpus = [...data.math.train, ...data.math.heldOut, ...data.code.train, ...data.code.heldOut].flatMap((r) => [r.problem, r.domain === 'math' ? r.answer : '']);
    tokenizer = CharTokenizer.fromCorpus(corpus, { extraChars: PRINTABLE });
    single = await createPolicy({ ...recipe.model, vocabSize: tokenizer.vocabSize, seed: recipe.seed });
  }
  // Two cores: a replica in a worker thread takes half of every sampling and gradient job; the
  // combined result equals the single-process one, so the worker count never changes a run.
  const policy: Policy = recipe.workers >= 2 ? await ParallelPolicy.create(single, { log: (m) => log.event(m) }) : single;
  log.event(`policy: ${policy.parameterCount().toLocaleString('en-US')} parameters, vocabulary ${tokenizer.vocabSize}, context ${policy.config.contextLength}`);
  const codec = new PromptCodec(tokenizer, data.compactPrompts);
  const rewards = new Rewards({ log: (m) => log.event(`sandbox: ${m}`) });

  const state: TrainerState = inPlace ? structuredClone(resume!.state) : {
    version: 1, runId: req.runId, seed: recipe.seed, step: 0, sftDone: !!resume || !recipe.sft.enabled || recipe.sft.steps === 0 || !data.demonstrations,
    evalsDone: [], activePrompts: {}, tallies: {}, stagesStarted: [], log: log.positions(), rng: { seed: recipe.seed, step: 0 }, elapsedSeconds: 0, time: '',
  };
  const elapsedBefore = state.elapsedSeconds;
  const checkpoint = async () => {
    state.log = log.positions();
    state.rng = { seed: recipe.seed, step: state.step };
    state.elapsedSeconds = elapsedBefore + (Date.now() - wallStart) / 1000;
    state.time = new Date().toISOString();
    const dir = await writeCheckpoint(paths.checkpoints, state, async (tmp) => {
      await policy.save(tmp);
      writeJsonAtomic(path.join(tmp, TOKENIZER_FILE), tokenizer.toJSON());
    });
    log.event(`checkpoint ${path.relative(paths.dir, dir)} (step ${state.step})`);
  };

  const total = totalSteps(plan);
  const evalLabels = ['before-rl', ...plan.map((p) => `after-${p.spec.name}`)];
  const timing = { stepSeconds: [] as number[], evalSeconds: [] as number[] };
  const progress = (stage: PlannedStage | undefined, step: number, phase: string) => {
    const recent = timing.stepSeconds.slice(-5);
    const perStep = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : undefined;
    const perEval = timing.evalSeconds.length ? timing.evalSeconds.reduce((a, b) => a + b, 0) / timing.evalSeconds.length : undefined;
    const evalsLeft = evalLabels.filter((l) => !state.evalsDone.includes(l)).length;
    const eta = perStep === undefined ? null : perStep * (total - step) + (perEval ?? perStep * 2) * evalsLeft;
    ctx.emit({ type: 'progress', runId: req.runId, stage: stage?.spec.name ?? phase, stageIndex: stage?.index ?? 0, stageCount: plan.length, step, totalSteps: total, etaSeconds: eta, phase });
  };

  const stopped = async (): Promise<'stopped'> => {
    await checkpoint();
    log.event('stopped on request after a checkpoint');
    log.status('stopped', { step: state.step });
    return 'stopped';
  };

  try {
    // --- SFT warm-up
    if (!state.sftDone) {
      const sftRng = (step: number) => new Rng(deriveSeed(recipe.seed, 'sft', step));
      let tokens = 0;
      const t0 = Date.now();
      log.event(`SFT warm-up: ${recipe.sft.steps} steps × ${recipe.sft.batchSize} demonstrations (${Math.round(recipe.sft.imperfectFraction * 100)}% deliberately imperfect)`);
      const done = await runSft({
        policy, codec, steps: recipe.sft.steps, learningRate: recipe.sft.learningRate, clipNorm: recipe.sft.clipNorm,
        batch: (step) => data.demonstrations!(recipe.sft.batchSize, sftRng(step)),
        stopRequested: ctx.stopRequested,
        onStep: (r) => {
          tokens += r.tokens;
          if (r.step % 10 === 0 || r.step === r.steps) {
            const secs = (Date.now() - t0) / 1000;
            log.event(`SFT step ${r.step}/${r.steps}: loss ${r.loss.toFixed(4)}, lr ${r.learningRate.toExponential(2)}, ${Math.round(tokens / secs)} tokens/s`);
          }
          ctx.emit({ type: 'progress', runId: req.runId, stage: 'sft', stageIndex: 0, stageCount: plan.length, step: 0, totalSteps: total, etaSeconds: ((Date.now() - t0) / 1000 / r.step) * (r.steps - r.step), phase: `sft ${r.step}/${r.steps} loss ${r.loss.toFixed(3)}` });
        },
      });
      if (!done) return await stopped();
      state.sftDone = true;
      await checkpoint();
    }

    // --- evaluation before RL
    const evaluate = async (label: string, step: number) => {
      if (state.evalsDone.includes(label)) return;
      progress(undefined, step, `eval ${label}`);
      const results: EvalResult[] = [];
      for (const d of domains) {
        const heldOut = recordsOf(d).heldOut.slice(0, recipe.eval.maxProblems ?? Infinity);
        if (heldOut.length === 0) continue;
        const budget = recipe.eval.maxResponseLength ?? Math.max(...recipe.stages.filter((s) => s.domain === d).map((s) => s.maxResponseLength));
        const longestPrompt = Math.max(...heldOut.map((r) => codec.promptIds(r).length));
        results.push(await evaluateHeldOut({
          policy, codec, rewards, records: heldOut, k: recipe.eval.k, temperature: recipe.eval.temperature, topP: recipe.eval.topP,
          maxNewTokens: Math.max(1, Math.min(budget, policy.config.contextLength - longestPrompt)), seed: deriveSeed(recipe.seed, 'eval', label),
        }));
      }
      const data: Record<string, number> = {};
      let seconds = 0;
      for (const r of results) { Object.assign(data, evalMetrics(r)); seconds += r.seconds; }
      data['timing_s/testing'] = seconds;
      timing.evalSeconds.push(seconds);
      log.metrics(step, data);
      for (const r of results) {
        log.event(`eval ${label} (step ${step}): ${r.source} pass@1 (avg@${r.summary.samplesPerProblem}) ${r.summary.meanAtK.toFixed(3)}, pass@${r.summary.samplesPerProblem} ${r.summary.passAtK.toFixed(3)} over ${r.summary.problems} problems (${r.seconds.toFixed(1)} s)`);
        for (const ex of r.examples.slice(0, 2)) {
          log.sample({ step, stage: label, promptId: ex.record.id, source: ex.record.source, domain: ex.record.domain, prompt: codec.promptText(ex.record), response: ex.response, reward: ex.verdict.reward, extracted: ex.verdict.extracted, verdict: ex.verdict.verdict, tests: ex.verdict.tests, truncated: ex.truncated });
        }
      }
      state.evalsDone.push(label);
    };
    await evaluate('before-rl', state.step);
    if (state.step === 0) await checkpoint();

    // --- RL stages
    for (const stage of plan) {
      const s = stage.spec;
      const label = `after-${s.name}`;
      if (state.evalsDone.includes(label)) continue;
      const train = recordsOf(s.domain).train;
      if (train.length === 0) throw new Error(`stage ${s.name}: no ${s.domain} training prompts`);
      if (!state.stagesStarted.includes(s.name)) {
        let active = train.map((r) => r.id);
        if (s.dropSolvedAbove !== undefined) {
          const tally = SolveTally.fromJSON(state.tallies[s.domain]);
          const f = dropSolvedPrompts(active, tally, s.dropSolvedAbove);
          active = f.kept;
          log.event(`stage ${s.name}: dropped ${f.dropped.length} prompts solved more than ${s.dropSolvedAbove} of the time in the previous ${s.domain} stage; ${f.kept.length} remain`);
        }
        state.activePrompts[s.name] = active;
        state.tallies[s.domain] = {};
        state.stagesStarted.push(s.name);
        ctx.emit({ type: 'stage', runId: req.runId, stage: s.name, stageIndex: stage.index, startStep: stage.firstStep });
        log.event(`stage ${stage.index + 1}/${plan.length} ${s.name} [${s.domain}] steps ${stage.firstStep}–${stage.lastStep}`);
      }
      const pool = new PromptPool<PromptRecord>(train as PromptRecord[], state.activePrompts[s.name], req.workspaceDir ? labelsFile(req.workspaceDir) : undefined);
      const tally = SolveTally.fromJSON(state.tallies[s.domain]);
      let next = Math.max(state.step + 1, stage.firstStep);
      let selection = next <= stage.lastStep ? pool.select(s.promptsPerStep, recipe.seed, next) : undefined;
      for (let step = next; step <= stage.lastStep; step++) {
        if (ctx.stopRequested()) return await stopped();
        const current = selection!;
        const result = await grpoStep({
          policy, codec, rewards, recipe, stage: s, records: current.records, seed: recipe.seed, step,
          // The next step's prompt draw (which re-reads labels.jsonl) overlaps reward verification.
          sideWork: () => { selection = step < stage.lastStep ? pool.select(s.promptsPerStep, recipe.seed, step + 1) : undefined; },
        });
        for (const r of result.rollouts) tally.record(r.record.id, r.verdict.reward);
        state.tallies[s.domain] = tally.toJSON();
        timing.stepSeconds.push(result.metrics['timing_s/step']);
        log.metrics(step, { ...result.metrics, 'training/stage': stage.index, 'prompts/active': pool.activeIds().length, 'prompts/excluded': current.excludedCount });
        const shown = pickSamples(result.rollouts, recipe.samplesPerStep, s.rolloutsPerPrompt);
        for (const r of shown) {
          log.sample({ step, stage: s.name, promptId: r.record.id, source: r.record.source, domain: r.record.domain, prompt: codec.promptText(r.record), response: r.response, reward: r.verdict.reward, extracted: r.verdict.extracted, verdict: r.verdict.verdict, tests: r.verdict.tests, truncated: r.truncated });
        }
        state.step = step;
        log.status('running', { step, stage: s.name });
        progress(stage, step, 'rl');
        const m = result.metrics;
        log.event(`step ${step}/${total} [${s.name}] reward ${m['critic/score/mean'].toFixed(3)}, length ${m['response_length/mean'].toFixed(1)}, clip ${m['response_length/clip_ratio'].toFixed(2)}, zero-std groups ${m['frac_reward_zero_std'].toFixed(2)}, ${m['timing_s/step'].toFixed(1)} s`);
        if (step % recipe.checkpointEvery === 0) await checkpoint();
      }
      await evaluate(label, stage.lastStep);
      recordStagePassRates(req.workspaceDir ? passRatesFile(req.workspaceDir) : path.join(paths.dir, 'passrates.jsonl'), tally, req.runId, stage.lastStep);
      await checkpoint();
    }

    // --- reports
    const reports = writeReports(paths, { recipe, runId: req.runId, phase: req.phase ?? 'all', plan, wallSeconds: elapsedBefore + (Date.now() - wallStart) / 1000, parameters: policy.parameterCount(), backend: currentBackend()?.name ?? 'unknown' });
    log.event(`report: ${reports.html} and ${reports.md}`);
    log.status('finished', { step: state.step });
    return 'finished';
  } finally {
    rewards.close();
    policy.dispose();
  }
}

function curate(data: TaskData, log: RunLog): void {
  for (const [domain, n] of [['math', 9], ['code', 14]] as const) {
    const split = data[domain];
    if (split.train.length === 0) continue;
    const { kept, report } = decontaminate(split.train as PromptRecord[], split.heldOut, n);
    (split as { train: PromptRecord[] }).train = kept;
    log.event(`curate ${domain}: ${split.train.length} train prompts kept, ${report.duplicates} duplicates and ${report.contaminated} overlapping the ${split.heldOut.length} held-out prompts (${n}-grams) dropped${report.examples.length ? `; e.g. ${report.examples.join('; ')}` : ''}`);
  }
}

/** A few rollouts per step for samples.jsonl: the first response of the first groups, one per prompt. */
function pickSamples<T>(rollouts: readonly T[], count: number, groupSize: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < rollouts.length && out.length < count; i += groupSize) out.push(rollouts[i]);
  return out;
}

export type { Recipe };

/**
 * The prompts this run trains and evaluates on (train and held-out, built-in tasks included), as
 * <run>/data/<domain>.jsonl in our record layout: the dashboard's sample documents point the CodeLens
 * at them, so a sampled solution can be verified against its problem's tests by id.
 */
function writeRunPrompts(runDir: string, data: TaskData): void {
  for (const domain of ['math', 'code'] as const) {
    const records = [...data[domain].train, ...data[domain].heldOut];
    if (records.length === 0) continue;
    writeFileAtomic(path.join(runDir, 'data', `${domain}.jsonl`), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

/**
 * Each prompt's pass rate over this stage's rollouts, appended to the curation pass-rate store
 * (difficulty buckets and filters in the curator and `acereason curate` read it).
 */
function recordStagePassRates(file: string, tally: SolveTally, runId: string, step: number): void {
  const measurements = Object.entries(tally.toJSON())
    .filter(([, t]) => t.attempts > 0)
    .map(([id, t]) => ({ id, passes: t.solved, k: t.attempts, run: runId, step }));
  if (measurements.length) recordPassRates(file, measurements);
}

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
import { labelsFile, runPaths, type RunPaths } from '../core/runs/layout';
import { appendJsonLine, readJsonLines, writeFileAtomic, writeJsonAtomic } from '../core/util/atomic';
import { SFT_METRIC, type MetricsLine } from '../core/protocol/metrics';
import { UserError } from '../core/util/userError';
import { validateLaunch } from '../core/launch/validateLaunch';
import { currentBackend, ensureBackendFits } from './backend';
import type { RunContext } from './context';
import { evalMetrics, evaluateHeldOut, type EvalResult } from './eval/evaluate';
import { changeMetrics, heldOutChanges, latestEvaluation } from './eval/heldOutChange';
import { CharTokenizer, createPolicy, loadPolicy, type Policy } from './model/index';
import { describeEstimate } from '../core/model/memoryEstimate';
import { checkModelFolderMemory } from './memoryCheck';
import { openFolderModel, publishBuiltinModel, resumeFolderModel, summarizeModel, writeFieldFormats, type RunModel } from './runModel';
import { ParallelPolicy } from './parallel/parallelPolicy';
import { writeReports } from './report/report';
import { Rewards } from './rewards';
import { latestCheckpoint, TOKENIZER_FILE, writeCheckpoint, type TrainerState } from './rl/checkpoint';
import { CharPromptCodec, type PromptCodec } from './rl/codec';
import { grpoStep } from './rl/grpoStep';
import { PromptPool } from './rl/promptPool';
import { missingData, resolveRecipe } from './rl/resolveRecipe';
import { RunLog } from './rl/runLog';
import { sampleRecord } from './rl/sampleRecord';
import { runSft } from './sft/sft';
import { decontaminate } from './tasks/curate';
import { loadTaskData, type TaskData } from './tasks/load';

type Domain = PromptRecord['domain'];
export const RESOLVED_RECIPE_FILE = 'recipe.json';
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('') + '\n\t';
/** SFT progress inside a checkpoint taken during the warm-up (the RL trainer state has no field for it). */
const SFT_PROGRESS_FILE = 'sft-progress.json';
/** Checkpoints during the SFT warm-up: ten over the warm-up, so a kill loses at most a tenth of it. */
const SFT_CHECKPOINTS = 10;

/**
 * Runs the recipe. Input problems (recipe, dataset, resume folder) throw UserError; once the run
 * folder exists, any failure is also recorded there — status.json `crashed` with the message and an
 * ERROR line in events.log — before it is rethrown, so no reader ever sees a dead run as running.
 */
export async function runTraining(req: StartRunRequest, ctx: RunContext): Promise<'finished' | 'stopped'> {
  const recipe = asUserError(() => resolveRecipe(req.recipe, { seed: req.seed, dataset: req.dataset, model: req.model }));
  const noData = missingData(recipe);
  if (noData) throw new UserError(noData);
  const plan = asUserError(() => planStages(recipe, req.phase ?? 'all'));
  const paths = runPaths(req.runsDir, req.runId);
  const log = new RunLog(paths, req.runId, ctx);
  const wallStart = Date.now();

  // --- resume or start
  const resumeDir = req.resumeFrom ? path.resolve(req.resumeFrom) : undefined;
  if (resumeDir && !fs.existsSync(resumeDir)) throw new UserError(`cannot resume: ${resumeDir} does not exist`);
  let resume = resumeDir ? asUserError(() => latestCheckpoint(path.join(resumeDir, 'checkpoints'))) : undefined;
  const sameFolder = !!resumeDir && resumeDir === path.resolve(paths.dir);
  if (resumeDir && !resume && !sameFolder) throw new UserError(`cannot start from ${resumeDir}: it has no complete checkpoint under checkpoints/`);
  const inPlace = !!resume && sameFolder;
  fs.mkdirSync(paths.dir, { recursive: true });
  if (inPlace) {
    log.restore(resume!.state.log);
    // One SFT line per SFT step: keep the lines of the steps the checkpoint holds.
    cutSftMetrics(paths.sftMetrics, resume!.state.sftDone ? Infinity : readSftProgress(resume!.dir, recipe.sft.steps));
  } else if (sameFolder) {
    // Killed before its first checkpoint: nothing to continue from, so the run starts over in its own folder.
    log.restore({ metricsLines: 0, samplesLines: 0 });
    cutSftMetrics(paths.sftMetrics, 0);
    log.event(`no checkpoint in ${path.join(resumeDir!, 'checkpoints')} yet (the run stopped before its first one): restarting ${req.runId} from the start`, 'warn');
    resume = undefined;
  } else if (fs.existsSync(paths.metrics) && fs.statSync(paths.metrics).size > 0) throw new UserError(`run folder ${paths.dir} already has metrics; use --resume ${paths.dir} or a new run id`);
  try {
    return await trainInFolder({ req, ctx, recipe, plan, paths, log, resume, inPlace, wallStart });
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    try {
      log.event(`run crashed: ${message}`, 'error');
      log.status('crashed', { detail: message });
    } catch { /* the run folder may have been deleted under us; the error is rethrown either way */ }
    throw e;
  }
}

interface RunSetup {
  req: StartRunRequest;
  ctx: RunContext;
  recipe: Recipe;
  plan: PlannedStage[];
  paths: RunPaths;
  log: RunLog;
  resume: { dir: string; state: TrainerState } | undefined;
  inPlace: boolean;
  wallStart: number;
}

/** Converts whatever a reader of user input throws into one UserError line. */
function asUserError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError((e as Error)?.message ?? String(e));
  }
}

async function trainInFolder({ req, ctx, recipe, plan, paths, log, resume, inPlace, wallStart }: RunSetup): Promise<'finished' | 'stopped'> {
  // The resolved recipe on its own, so `acereason train --resume <run>` needs no other argument.
  writeJsonAtomic(path.join(paths.dir, RESOLVED_RECIPE_FILE), recipe);
  const runConfig = { recipe, phase: req.phase ?? 'all', seed: recipe.seed, runId: req.runId, resumedFrom: resume?.dir, backend: currentBackend()?.name, ...(req.dataset ? { dataset: req.dataset } : {}) };
  writeJsonAtomic(paths.config, runConfig);
  log.status('running', { step: resume && inPlace ? resume.state.step : 0 });
  ctx.emit({ type: 'status', runId: req.runId, status: 'running' });
  log.event(inPlace ? `resuming ${req.runId} from ${resume!.dir} (step ${resume!.state.step})` : `run ${req.runId} started${resume ? ` from the weights of ${resume.dir}` : ''}; backend ${currentBackend()?.name ?? 'default'}`);
  for (const line of describePlan(recipe, plan)) log.event(line);

  // --- data, checked against the recipe first (the same check as `train --plan` and the editor's pickers), and curation
  if (recipe.data.source === 'files') {
    for (const domain of new Set(plan.map((p) => p.spec.domain))) {
      const check = await validateLaunch({ recipe, datasetPath: req.dataset, domain });
      for (const warning of check.warnings) log.event(warning, 'warn');
      if (check.errors.length) throw new UserError(check.errors.join('; '));
    }
  }
  // Input problems in the files are UserErrors already (core's reader names file, line and field).
  const data = await loadTaskData(recipe, { warn: (m) => log.event(m, 'warn') });
  curate(data, log);
  writeRunPrompts(paths.dir, data);
  // Every evaluation covers every domain with held-out data, whatever the phase: a code-only run
  // still shows what it did to math.
  const evalDomains = (['math', 'code'] as const).filter((d) => data[d].heldOut.length > 0);
  // Which held-out source is which domain (metrics are keyed by source), for multi-run reports.
  const evalSources = Object.fromEntries(evalDomains.map((d) => [d, data[d].heldOut[0].source]));
  const runConfigWithSources = { ...runConfig, evalSources };
  writeJsonAtomic(paths.config, runConfigWithSources);
  const recordsOf = (d: Domain) => data[d];

  // --- model: a model folder (pretrained, or the built-in model once its SFT warm-up is written as
  // one), or the built-in character model in its own format while the SFT warm-up trains it
  const compactPrompts = data.compactPrompts;
  let model: RunModel | undefined = resume ? await resumeFolderModel(resume.dir, compactPrompts) : undefined;
  let tokenizer: CharTokenizer | undefined;
  let memoryEstimateBytes: number | undefined;
  if (!model && resume) {
    tokenizer = CharTokenizer.fromJSON(JSON.parse(fs.readFileSync(path.join(resume.dir, TOKENIZER_FILE), 'utf8')), path.join(resume.dir, TOKENIZER_FILE));
    model = { policy: await loadPolicy(resume.dir), codec: new CharPromptCodec(tokenizer, compactPrompts) };
  } else if (!model) {
    const spec = recipe.model;
    if (spec.source === 'pretrained') {
      // Checked before a byte of weights is allocated: refuse with what to change rather than swap or crash.
      const memory = asUserError(() => checkModelFolderMemory(recipe))!;
      memoryEstimateBytes = memory.estimate.peakBytes;
      log.event(`memory: ${describeEstimate(memory.estimate)}`);
      // A model too big for wasm's 4 GB heap moves an automatically chosen wasm backend to cpu (+ native BLAS).
      const switched = await ensureBackendFits(memory.estimate.peakBytes);
      if (switched) log.event(`backend: ${switched}`);
      model = await openFolderModel(spec.path, { contextLength: spec.contextLength, lora: spec.lora, seed: recipe.seed, compactPrompts });
    } else {
      const corpus = [...data.math.train, ...data.math.heldOut, ...data.code.train, ...data.code.heldOut].flatMap((r) => [r.problem, r.domain === 'math' ? r.answer : '']);
      tokenizer = CharTokenizer.fromCorpus(corpus, { extraChars: PRINTABLE });
      model = { policy: await createPolicy({ ...spec, vocabSize: tokenizer.vocabSize, seed: recipe.seed }), codec: new CharPromptCodec(tokenizer, compactPrompts) };
    }
  }
  // Two cores: a replica in a worker thread takes half of every sampling and gradient job; the
  // combined result equals the single-process one, so the worker count never changes a run.
  const attach = async (m: RunModel): Promise<Policy> => (recipe.workers >= 2 ? ParallelPolicy.create(m.policy, { log: (msg) => log.event(msg) }) : m.policy);
  let policy: Policy = await attach(model);
  let codec: PromptCodec = model.codec;
  const describe = (m: RunModel) => {
    const summary = summarizeModel(recipe.model, m, memoryEstimateBytes);
    writeJsonAtomic(paths.config, { ...runConfigWithSources, model: summary });
    const trainable = summary.trainableParameters === summary.parameters ? '' : ` (${summary.trainableParameters.toLocaleString('en-US')} trainable)`;
    log.event(`policy: ${m.folder ? `${summary.architecture ?? 'model'} from ${m.folder}` : 'built-in model'}, ${summary.parameters.toLocaleString('en-US')} parameters${trainable}, context ${m.policy.config.contextLength}`);
  };
  describe(model);
  const rewards = new Rewards({ log: (m) => log.event(`sandbox: ${m}`), select: recipe.rewards });

  const state: TrainerState = inPlace ? structuredClone(resume!.state) : {
    version: 1, runId: req.runId, seed: recipe.seed, step: 0, sftDone: !!resume || !recipe.sft.enabled || recipe.sft.steps === 0 || !data.demonstrations,
    evalsDone: [], activePrompts: {}, tallies: {}, stagesStarted: [], log: log.positions(), rng: { seed: recipe.seed, step: 0 }, elapsedSeconds: 0, time: '',
  };
  const elapsedBefore = state.elapsedSeconds;
  /** SFT steps done while the warm-up runs (saved with a checkpoint taken during it). */
  let sftStepsDone = !state.sftDone && resume && inPlace ? readSftProgress(resume.dir, recipe.sft.steps) : 0;
  /** `keep`: why this checkpoint outlives the retention (stage boundaries are always kept). */
  const checkpoint = async (keep?: string) => {
    state.log = log.positions();
    state.rng = { seed: recipe.seed, step: state.step };
    state.elapsedSeconds = elapsedBefore + (Date.now() - wallStart) / 1000;
    state.time = new Date().toISOString();
    const dir = await writeCheckpoint(paths.checkpoints, state, async (tmp) => {
      await policy.save(tmp);
      if (model!.folder) writeFieldFormats(tmp, model!);
      else writeJsonAtomic(path.join(tmp, TOKENIZER_FILE), tokenizer!.toJSON());
      if (!state.sftDone) writeJsonAtomic(path.join(tmp, SFT_PROGRESS_FILE), { step: sftStepsDone, steps: recipe.sft.steps });
    }, { keep });
    log.event(`checkpoint ${path.relative(paths.dir, dir)} (${state.sftDone ? `step ${state.step}` : `SFT step ${sftStepsDone}/${recipe.sft.steps}`})`);
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
    return eta;
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
      const checkpointEvery = Math.max(1, Math.ceil(recipe.sft.steps / SFT_CHECKPOINTS));
      const startStep = sftStepsDone;
      let tokens = 0;
      const t0 = Date.now();
      log.event(startStep > 0
        ? `SFT warm-up: continuing at step ${startStep}/${recipe.sft.steps}`
        : `SFT warm-up: ${recipe.sft.steps} steps × ${recipe.sft.batchSize} demonstrations (imperfect demonstrations: ${Math.round(recipe.sft.imperfectFraction * 100)}% at tier 2, half that at tier 1, 2.8× at tier 3)`);
      const done = await runSft({
        policy, codec, steps: recipe.sft.steps, learningRate: recipe.sft.learningRate, clipNorm: recipe.sft.clipNorm, startStep,
        batch: (step) => data.demonstrations!(recipe.sft.batchSize, sftRng(step)),
        stopRequested: ctx.stopRequested,
        onStep: async (r) => {
          tokens += r.tokens;
          sftStepsDone = r.step;
          // One line per SFT step in sft-metrics.jsonl (its own step axis), charted live by the dashboard.
          appendJsonLine(paths.sftMetrics, { step: r.step, data: finite({ [SFT_METRIC.loss]: r.loss, [SFT_METRIC.lr]: r.learningRate, [SFT_METRIC.gradNorm]: r.gradNorm, [SFT_METRIC.throughput]: r.tokens / Math.max(1e-9, r.seconds) }) } satisfies MetricsLine);
          if (r.step % 10 === 0 || r.step === r.steps) {
            const secs = (Date.now() - t0) / 1000;
            log.event(`SFT step ${r.step}/${r.steps}: loss ${r.loss.toFixed(4)}, lr ${r.learningRate.toExponential(2)}, ${Math.round(tokens / secs)} tokens/s`);
          }
          ctx.emit({ type: 'progress', runId: req.runId, stage: 'sft', stageIndex: 0, stageCount: plan.length, step: 0, totalSteps: total, etaSeconds: ((Date.now() - t0) / 1000 / (r.step - startStep)) * (r.steps - r.step), phase: `sft ${r.step}/${r.steps} loss ${r.loss.toFixed(3)}` });
          if (r.step % checkpointEvery === 0 && r.step < r.steps) await checkpoint();
        },
      });
      if (!done) return await stopped();
      state.sftDone = true;
      await checkpoint();
    }

    // --- the built-in model reaches RL as a model folder (<run>/sft-model), loaded like a downloaded one
    if (!model.folder && state.step === 0) {
      const config = policy.config;
      const weights = policy.getWeights();
      policy.dispose();
      model = await publishBuiltinModel(paths.dir, config, weights, tokenizer!, { contextLength: config.contextLength, seed: recipe.seed, compactPrompts });
      policy = await attach(model);
      codec = model.codec;
      log.event(`SFT model written as a model folder: ${path.relative(paths.dir, model.folder!)}; the RL stages load it from there`);
      describe(model);
      await checkpoint();
    }

    // --- evaluation before RL
    let previousEval = inPlace ? latestEvaluation(log.readMetrics()) : {};
    /** `stage`: the stage just finished, whose effect on every held-out set is logged and commented on. */
    const evaluate = async (label: string, step: number, stage?: string) => {
      if (state.evalsDone.includes(label)) return;
      progress(undefined, step, `eval ${label}`);
      const results: EvalResult[] = [];
      for (const d of evalDomains) {
        const heldOut = recordsOf(d).heldOut.slice(0, recipe.eval.maxProblems ?? Infinity);
        if (heldOut.length === 0) continue;
        const ofDomain = recipe.stages.filter((s) => s.domain === d);
        const budget = recipe.eval.maxResponseLength ?? Math.max(...(ofDomain.length ? ofDomain : recipe.stages).map((s) => s.maxResponseLength));
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
      const now = Object.fromEntries(results.map((r) => [r.source, r.summary.meanAtK]));
      const changes = stage ? heldOutChanges(previousEval, now, stage) : [];
      Object.assign(data, changeMetrics(changes));
      previousEval = now;
      log.metrics(step, data);
      for (const c of changes) if (c.comment) log.event(c.comment, 'warn');
      for (const r of results) {
        log.event(`eval ${label} (step ${step}): ${r.source} pass@1 (avg@${r.summary.samplesPerProblem}) ${r.summary.meanAtK.toFixed(3)}, pass@${r.summary.samplesPerProblem} ${r.summary.passAtK.toFixed(3)} over ${r.summary.problems} problems (${r.seconds.toFixed(1)} s)`);
        for (const ex of r.examples.slice(0, 2)) {
          log.sample(sampleRecord({ step, stage: label, record: ex.record, prompt: codec.promptText(ex.record), response: ex.response, verdict: ex.verdict, truncated: ex.truncated }));
        }
      }
      state.evalsDone.push(label);
    };
    await evaluate('before-rl', state.step);
    if (state.step === 0) await checkpoint('before RL');

    // --- RL stages
    for (const stage of plan) {
      const s = stage.spec;
      const label = `after-${s.name}`;
      if (state.evalsDone.includes(label)) continue;
      const train = recordsOf(s.domain).train;
      if (train.length === 0) throw new UserError(`stage ${s.name}: no ${s.domain} training prompts (the dataset has none left after the held-out split and curation)`);
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
        for (const r of result.rollouts) if (!r.verdict.verifierFailed) tally.record(r.record.id, r.verdict.reward);
        state.tallies[s.domain] = tally.toJSON();
        timing.stepSeconds.push(result.metrics['timing_s/step']);
        log.metrics(step, { ...result.metrics, 'training/stage': stage.index, 'prompts/active': pool.activeIds().length, 'prompts/excluded': current.excludedCount });
        const shown = pickSamples(result.rollouts, recipe.samplesPerStep, s.rolloutsPerPrompt);
        for (const r of shown) {
          log.sample(sampleRecord({ step, stage: s.name, record: r.record, prompt: codec.promptText(r.record), response: r.response, verdict: r.verdict, truncated: r.truncated }));
        }
        state.step = step;
        const eta = progress(stage, step, 'rl');
        log.status('running', { step, stage: s.name, totalSteps: total, etaSeconds: eta });
        const m = result.metrics;
        log.event(`step ${step}/${total} [${s.name}] reward ${m['critic/score/mean'].toFixed(3)}, length ${m['response_length/mean'].toFixed(1)}, clip ${m['response_length/clip_ratio'].toFixed(2)}, zero-std groups ${m['frac_reward_zero_std'].toFixed(2)}, ${m['timing_s/step'].toFixed(1)} s`);
        if (step % recipe.checkpointEvery === 0) await checkpoint();
      }
      await evaluate(label, stage.lastStep, s.name);
      recordStagePassRates(req.workspaceDir ? passRatesFile(req.workspaceDir) : path.join(paths.dir, 'passrates.jsonl'), tally, req.runId, stage.lastStep);
      await checkpoint(`end of stage ${s.name}`);
    }

    // --- reports
    const reports = writeReports(paths, { recipe, runId: req.runId, phase: req.phase ?? 'all', plan, wallSeconds: elapsedBefore + (Date.now() - wallStart) / 1000, parameters: policy.parameterCount(), backend: currentBackend()?.name ?? 'unknown' });
    log.event(`report: ${reports.html} and ${reports.md}`);
    log.status('finished', { step: state.step });
    return 'finished';
  } finally {
    void rewards.close();
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

/** Steps of the SFT warm-up a checkpoint taken during it had done (0 for any other checkpoint). */
function readSftProgress(checkpointDir: string, steps: number): number {
  const file = path.join(checkpointDir, SFT_PROGRESS_FILE);
  if (!fs.existsSync(file)) return 0;
  let raw: { step?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`checkpoint ${file} is unreadable: ${(e as Error).message}`);
  }
  const step = raw.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > steps) {
    throw new UserError(`checkpoint ${file}: field 'step' must be an integer from 0 to ${steps} (the recipe's SFT steps)`, {});
  }
  return step;
}

function cutSftMetrics(file: string, keep: number): void {
  if (!fs.existsSync(file)) return;
  const { records } = readJsonLines<MetricsLine>(file);
  if (records.length <= keep) return;
  writeFileAtomic(file, records.slice(0, keep).map((r) => JSON.stringify(r) + '\n').join(''));
}

function finite(data: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => Number.isFinite(v)));
}

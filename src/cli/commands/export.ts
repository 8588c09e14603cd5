// `acereason export verl …` — curated JSONL → verl parquet + the reward module verl calls.
// `acereason export hf …` — a pretrained run's checkpoint → a Hugging Face model (or PEFT adapter) folder.
import fs from 'node:fs';
import path from 'node:path';
import { exportVerl, readExportRecords } from '../../core/verl/export';
import { filterFromRollouts } from '../../core/verl/rolloutFilter';
import { writeRewardModule } from '../../core/verl/rewardModule';
import { labelsFile } from '../../core/runs/layout';
import { exportRunAsHf } from '../../trainer/hf/exportRun';
import { summarizeLineProblems, writeLineProblems } from '../../core/dataset/lineProblems';
import { CliError, parseArgs, type CliCommand, type CliIO } from '../command';

const HF_USAGE = `Usage: acereason export hf --run RUN_DIR --out DIR [--step N] [--merge [--base DIR]] [--force] [--json]

Writes a pretrained run's checkpoint (the latest, or step N) as a folder transformers, vLLM and verl load:
  full fine-tuning (checkpoints/<step>/hf/)   → DIR is that model folder (config.json, model.safetensors
                                                or shards + index, generation_config.json, tokenizer files)
  LoRA (checkpoints/<step>/adapter/)          → DIR is the PEFT adapter folder; with --merge, a full model
                                                folder: base weights + lora_alpha/r · B·A, in the base's dtype

Options:
  --run RUN_DIR   the run folder (.acereason/runs/<run>)
  --out DIR       output folder; written whole or not at all
  --step N        the checkpoint's step (default: the latest)
  --merge         merge a LoRA adapter into its base model
  --base DIR      the base model folder for --merge (default: the adapter's base_model_name_or_path)
  --force         replace DIR when it exists and is not empty
  --json          print the result as JSON`;

const VERL_USAGE = `Usage: acereason export verl --input CURATED.jsonl... --out DIR [options]

Writes verl's parquet layout (data_source, prompt as a chat list with the recipe's instruction,
ability, reward_model {style: "rule", ground_truth}, extra_info {id, source, split, index, ability}):
  DIR/train-<domain>.parquet   from --input files
  DIR/val-<domain>.parquet     from --val files (e.g. AIME, a LiveCodeBench window)
  DIR/compute_score.py         the reward function verl calls (custom_reward_function.path)
  DIR/skipped.jsonl            every input line that could not be read {"file", "line", "field", "reason"}
Prompts excluded in <workspace>/.acereason/labels.jsonl are left out. Inputs are read like every other
command reads them: JSONL, JSON arrays or Parquet; our curated layout as is, other layouts with --domain.

Options:
  --input FILE...         curated JSONL (the output of \`acereason curate\`), or any layout with --domain
  --val FILE...           validation files (e.g. AIME, a LiveCodeBench window)
  --out DIR               output folder
  --domain math|code      only this domain (default: all present)
  --labels FILE           labels file (default: ./.acereason/labels.jsonl when it exists)
  --reward-url URL        the \`acereason serve\` address baked into compute_score.py
                          (default http://127.0.0.1:8321; ACEREASON_REWARD_URL overrides at run time)
  --filter-rollouts DIR   the previous stage's trainer.rollout_data_dir: drop prompts solved more
                          often than --drop-solved-above (the recipe's between-stage filter)
  --drop-solved-above P   threshold for --filter-rollouts (default 0.375 = 6/16)
  --json                  print the report as JSON`;

const USAGE = `Usage: acereason export verl|hf …

  export verl   curated prompts → verl's parquet + compute_score.py
  export hf     a pretrained run's checkpoint → a Hugging Face model folder (or PEFT adapter)

${VERL_USAGE}

${HF_USAGE}`;

export const command: CliCommand = {
  name: 'export',
  summary: 'Export curated prompts for verl (`export verl`) or a pretrained run as a Hugging Face model folder (`export hf`)',
  usage: USAGE,
  subcommandUsage: { verl: VERL_USAGE, hf: HF_USAGE },
  async run(args, io) {
    const [target, ...rest] = args;
    if (target === 'hf') return exportHf(rest, io);
    if (target !== 'verl') throw new CliError(`expected 'verl' or 'hf' after 'export'${target ? `, got '${target}'` : ''}\n\n${USAGE}`);
    const { values } = parseArgs({
      args: rest, strict: true, options: {
        input: { type: 'string', multiple: true }, val: { type: 'string', multiple: true }, out: { type: 'string' },
        domain: { type: 'string' }, labels: { type: 'string' }, 'reward-url': { type: 'string' },
        'filter-rollouts': { type: 'string' }, 'drop-solved-above': { type: 'string' }, json: { type: 'boolean' },
      },
    });
    const inputs = (values.input ?? []).map((f) => path.resolve(io.cwd, f));
    if (inputs.length === 0) throw new CliError('--input is required');
    if (!values.out) throw new CliError('--out is required');
    for (const f of [...inputs, ...(values.val ?? []).map((v) => path.resolve(io.cwd, v))]) {
      if (!fs.existsSync(f)) throw new CliError(`input file not found: ${f}`);
    }
    const domain = values.domain;
    if (domain !== undefined && domain !== 'math' && domain !== 'code') throw new CliError(`--domain must be math or code, got '${domain}'`);
    const outDir = path.resolve(io.cwd, values.out);
    const defaultLabels = labelsFile(io.cwd);
    const labels = values.labels ? path.resolve(io.cwd, values.labels) : fs.existsSync(defaultLabels) ? defaultLabels : undefined;

    let dropIds: Set<string> | undefined;
    let filterNote = '';
    if (values['filter-rollouts']) {
      const threshold = values['drop-solved-above'] === undefined ? 0.375 : Number(values['drop-solved-above']);
      if (!(threshold >= 0 && threshold <= 1)) throw new CliError(`--drop-solved-above must be a number in [0, 1], got '${values['drop-solved-above']}'`);
      // The same reader as the export itself, so public layouts read with --domain are filtered too.
      const records = [];
      for (const f of inputs) {
        try {
          records.push(...(await readExportRecords(f, domain)).records);
        } catch (e) {
          throw new CliError((e as Error).message);
        }
      }
      let filter;
      try {
        filter = await filterFromRollouts(path.resolve(io.cwd, values['filter-rollouts']), records, threshold);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      dropIds = filter.dropIds;
      filterNote = `curriculum filter: ${filter.rates.size} prompts seen in ${filter.rows} rollouts (${filter.files} dumps), ` +
        `${filter.dropIds.size} solved above ${threshold} dropped${filter.unmatchedRows ? `, ${filter.unmatchedRows} rollouts matched no prompt` : ''}`;
    }

    const report = await exportVerl({ inputs, validation: (values.val ?? []).map((f) => path.resolve(io.cwd, f)), outDir, domain, labelsFile: labels, dropIds });
    const written = writeLineProblems(outDir, report.skippedLines, report.warnings);
    for (const line of summarizeLineProblems(report.skippedLines, report.warnings, report.rowsRead, written)) io.stderr.write(line + '\n');
    const rewardUrl = values['reward-url'] ?? 'http://127.0.0.1:8321';
    const module = writeRewardModule(outDir, rewardUrl);
    if (values.json) {
      io.stdout.write(JSON.stringify({ ...report, rewardModule: module, skippedLines: report.skippedLines }, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
    } else {
      for (const f of report.files) io.stdout.write(`wrote ${f.file} (${f.rows} ${f.domain} prompts, ${f.split})\n`);
      io.stdout.write(`wrote ${module} (reward service ${rewardUrl})\n`);
      if (labels) io.stdout.write(`labels: ${report.excludedByLabel} excluded prompts left out (${labels})\n`);
      if (filterNote) io.stdout.write(`${filterNote}\n`);
      io.stdout.write(`verl overrides: data.train_files=${path.join(outDir, 'train-<domain>.parquet')} custom_reward_function.path=${module}\n`);
    }
    if (report.files.length === 0) throw new CliError('no prompts to export (all inputs empty, filtered or excluded)');
    return 0;
  },
};

async function exportHf(args: string[], io: CliIO): Promise<number> {
  const { values: v } = parseArgs({
    args, strict: true, options: {
      run: { type: 'string' }, out: { type: 'string' }, step: { type: 'string' }, merge: { type: 'boolean' }, base: { type: 'string' },
      force: { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  if (!v.run) throw new CliError('--run RUN_DIR is required');
  if (!v.out) throw new CliError('--out DIR is required');
  let step: number | undefined;
  if (v.step !== undefined) {
    step = Number(v.step);
    if (!Number.isInteger(step) || step < 0) throw new CliError(`--step must be a non-negative integer, got '${v.step}'`);
  }
  if (v.base && !v.merge) throw new CliError('--base is only used with --merge');
  const result = exportRunAsHf({ run: path.resolve(io.cwd, v.run), out: path.resolve(io.cwd, v.out), step, merge: !!v.merge, base: v.base ? path.resolve(io.cwd, v.base) : undefined, force: !!v.force });
  if (v.json) {
    io.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  }
  const what = result.kind === 'model'
    ? `the model folder (full fine-tuning, ${result.dtype})`
    : result.kind === 'merged'
      ? `a merged model folder (LoRA merged into ${result.base}, ${result.dtype})`
      : `the LoRA adapter, not merged (base ${result.base ?? 'not named'}; pass --merge for a full model folder)`;
  io.stdout.write(`wrote ${result.out}: ${what} from step ${result.step}\n`);
  return 0;
}

// `acereason backend [--backend NAME] [--model DIR]`: which TensorFlow.js backend this machine gets, and why.
import path from 'node:path';
import { estimateRunMemory, formatGiB } from '../../core/model/memoryEstimate';
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { readFolderConfig } from '../../trainer/hf/modelFolder';
import { DEFAULT_GRADIENT_TOKEN_BUDGET, DEFAULT_SAMPLE_BATCH_SIZE } from '../../trainer/memoryCheck';
import { LOGIT_CHUNK_ELEMENTS } from '../../trainer/model/tokenLogprobs';
import { CliError, parseArgs, type CliCommand } from '../command';

/** Sequence length assumed when sizing a model folder for the backend: a typical RL context. */
const SIZING_SEQUENCE = 512;

export const command: CliCommand = {
  name: 'backend',
  summary: 'Show which TensorFlow.js backend the trainer would use here (gpu → node → wasm → cpu)',
  usage: `Usage: acereason backend [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--model DIR] [--json]

Tries @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, then wasm, then cpu, and prints the
backend chosen, what runs its matrix products (the native BLAS when present) and why the others
were skipped. TFJS_BACKEND overrides 'auto'. With --model, the choice is sized for full fine-tuning
of that Hugging Face folder (${SIZING_SEQUENCE}-token sequences): a model that does not fit wasm's
4 GB heap gets cpu.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { backend: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    let pref;
    try { pref = resolvePreference(values.backend); } catch (e) { throw new CliError((e as Error).message); }
    let memoryBytes: number | undefined;
    if (values.model) {
      const { config } = readFolderConfig(path.join(values.model, 'config.json'));
      const length = Math.min(config.maxPositions, SIZING_SEQUENCE);
      const microBatchTokens = Math.max(length, DEFAULT_GRADIENT_TOKEN_BUDGET);
      memoryBytes = estimateRunMemory(config, { kind: 'full' }, {
        microBatchTokens, sequenceLength: length,
        logprobChunkTokens: Math.min(microBatchTokens, Math.max(1, Math.floor(LOGIT_CHUNK_ELEMENTS / config.vocabSize))),
        rolloutBatch: DEFAULT_SAMPLE_BATCH_SIZE, rolloutSequenceLength: length,
      }).peakBytes;
    }
    const choice = await selectBackend(pref, {}, { memoryBytes });
    const sized = memoryBytes === undefined ? '' : ` — sized for full fine-tuning of ${values.model} (~${formatGiB(memoryBytes)})`;
    if (values.json) io.stdout.write(JSON.stringify({ backend: choice.name, fastPath: choice.fastPath ?? null, note: choice.note, ...(memoryBytes === undefined ? {} : { memoryBytes }) }) + '\n');
    else io.stdout.write(choice.note + sized + '\n');
    return 0;
  },
};

// `acereason backend [--backend NAME]`: which TensorFlow.js backend this machine gets, and why.
import { resolvePreference, selectBackend } from '../../trainer/backend';
import { CliError, parseArgs, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'backend',
  summary: 'Show which TensorFlow.js backend the trainer would use here (gpu → node → wasm → cpu)',
  usage: `Usage: acereason backend [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--json]

Tries @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, then wasm, then cpu, and prints the
backend chosen and why the others were skipped. TFJS_BACKEND overrides 'auto'.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { backend: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    let pref;
    try { pref = resolvePreference(values.backend); } catch (e) { throw new CliError((e as Error).message); }
    const choice = await selectBackend(pref);
    if (values.json) io.stdout.write(JSON.stringify({ backend: choice.name, note: choice.note }) + '\n');
    else io.stdout.write(choice.note + '\n');
    return 0;
  },
};

// A replica of the policy in a worker thread: the second core. wasm runs one thread per isolate, so a
// worker thread gets a core of its own. It holds identical weights (sent by the main thread whenever
// they change) and computes its share of the samples and gradients.
import { parentPort } from 'node:worker_threads';
import { selectBackend } from '../backend';
import { policyForNetwork } from '../hf/pretrainedPolicy';
import { TransformerPolicy } from '../model/transformerPolicy';
import type { ReplicaRequest, ReplicaResponse, ReplicaResult } from './replicaProtocol';

if (!parentPort) throw new Error('policyReplica.worker must run as a worker thread');
const port = parentPort;
let policy: TransformerPolicy | undefined;
let queue: Promise<void> = Promise.resolve();

async function handle(req: ReplicaRequest): Promise<ReplicaResult> {
  switch (req.kind) {
    case 'init': {
      const choice = await selectBackend(req.backend);
      policy?.dispose();
      policy = undefined;
      // `weights` are the trainable ones: all of them, or a LoRA policy's adapters (its frozen base is
      // read from the model folder the network spec names, not sent).
      const { network, ...options } = req.options;
      policy = network?.kind === 'decoder' ? policyForNetwork(network, req.weights, options) : new TransformerPolicy(req.config, req.weights, req.options);
      return { kind: 'init', backend: choice.name };
    }
    case 'setWeights':
      live().setWeights(req.weights);
      return { kind: 'setWeights' };
    case 'sample':
      return { kind: 'sample', result: await live().sample(req.prompts, req.options) };
    case 'gradients':
      return { kind: 'gradients', result: await live().computeGradients(req.batch) };
    case 'logProbs':
      return { kind: 'logProbs', result: await live().logProbs(req.batch) };
  }
}

function live(): TransformerPolicy {
  if (!policy) throw new Error('replica used before init');
  return policy;
}

port.on('message', (req: ReplicaRequest) => {
  // One request at a time, in order: tfjs state is not re-entrant across awaits.
  queue = queue.then(async () => {
    let response: ReplicaResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const result = await handle(req);
      if (result.kind === 'gradients') transfer = result.result.grads.map((g) => g.buffer as ArrayBuffer);
      response = { id: req.id, ok: true, result };
    } catch (e) {
      response = { id: req.id, ok: false, error: (e as Error).stack ?? String(e) };
    }
    port.postMessage(response, transfer);
  });
});

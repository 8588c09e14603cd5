// Worker thread for MathVerifierPool: runs one synchronous check per message. The pool terminates and
// replaces this thread when a check overruns its wall-clock limit.
import { parentPort } from 'node:worker_threads';
import { verifyMath, verifyMathAnswer } from './verify';
import type { MathJob, MathJobResult } from './pool';

if (!parentPort) throw new Error('mathVerify.worker must run in a worker thread');
const port = parentPort;

port.on('message', (job: MathJob) => {
  const verdict = job.kind === 'answer' ? verifyMathAnswer(job.gold, job.text, job.opts) : verifyMath(job.gold, job.text, job.opts);
  const result: MathJobResult = { id: job.id, verdict };
  port.postMessage(result);
});
port.postMessage('ready');

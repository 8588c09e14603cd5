// Every CLI command, one line each. Adding a command = one file in ./commands + one line here.
// Modules load on first use, so `acereason --help` and a quick command do not pay for tfjs or the
// curation pipeline; the summary here is what `acereason --help` lists (a unit test keeps it equal to
// the module's own `summary`).
import type { CliCommand } from './command';

export interface CommandEntry {
  name: string;
  summary: string;
  /** Internal plumbing (the editor's background jobs): runs, but is not listed in --help. */
  hidden?: boolean;
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'train', summary: 'run the recipe (SFT warm-up, math RL, code RL) with progress, checkpoints and a report', load: async () => (await import('./commands/train')).command },
  { name: 'ablate', summary: 'run the recipe next to no-curriculum, off-policy and domain-order variants and report which wins', load: async () => (await import('./commands/ablate')).command },
  { name: 'curate', summary: 'curate math or code prompts: dedup, decontaminate, exclusion rules, labels → curated.jsonl + report.json', load: async () => (await import('./commands/curate')).command },
  { name: 'verify', summary: 'Verify model answers: `verify math` (answer equivalence) or `verify code` (sandboxed tests)', load: async () => (await import('./commands/verify')).command },
  { name: 'sandbox', summary: 'Serve the code sandbox over HTTP with the SandboxFusion /run_code API (`sandbox serve`)', load: async () => (await import('./commands/sandbox')).command },
  { name: 'serve', summary: 'Serve the math verifier and code sandbox over HTTP (/verify/math, /verify/code, SandboxFusion /run_code)', load: async () => (await import('./commands/serve')).command },
  { name: 'export', summary: 'Export curated prompts for verl (`export verl`) or a pretrained run as a Hugging Face model folder (`export hf`)', load: async () => (await import('./commands/export')).command },
  { name: 'launch', summary: 'Generate verl launch scripts (local Ray, ray job submit, or Slurm) for every stage of a recipe', load: async () => (await import('./commands/launch')).command },
  { name: 'generate', summary: 'Generate text with a Hugging Face model folder (Llama, Qwen2, Qwen3, Mistral)', load: async () => (await import('./commands/generate')).command },
  { name: 'logprobs', summary: "Per-token log-probabilities of texts or token ids under a Hugging Face model folder (vLLM's prompt_logprobs)", load: async () => (await import('./commands/logprobs')).command },
  { name: 'eval', summary: 'Held-out avg@k / pass@k of a Hugging Face model folder on a math or code dataset', load: async () => (await import('./commands/eval')).command },
  { name: 'backend', summary: 'Show which TensorFlow.js backend the trainer would use here (gpu → node → wasm → cpu)', load: async () => (await import('./commands/backend')).command },
  { name: 'labels', summary: 'maintain .acereason/labels.jsonl: `labels compact` rewrites it with only the decisions in force', load: async () => (await import('./commands/labels')).command },
  { name: 'job', hidden: true, summary: 'internal: run one background job for the editor (JSON request on stdin, JSON lines on stdout)', load: async () => (await import('./commands/job')).command },
];

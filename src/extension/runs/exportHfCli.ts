// The `acereason export hf` command line for a run, and what its output says. No vscode import:
// unit tests run it against the real CLI bundle.
import fs from 'node:fs';
import path from 'node:path';

/** True when the run's recipe trains a LoRA adapter (config.json's resolved recipe, or its `model` summary). */
export function isLoraRun(runDir: string): boolean {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')) as { recipe?: { model?: { lora?: unknown } }; model?: { lora?: unknown } };
    return !!(config.recipe?.model?.lora ?? config.model?.lora);
  } catch {
    return false;
  }
}

/** The folder the CLI reports it wrote: `--json`'s `out`, else the output folder asked for. */
export function exportedFolder(stdout: readonly string[], asked: string): string {
  for (const line of [...stdout].reverse()) {
    try {
      const out = (JSON.parse(line) as { out?: unknown }).out;
      if (typeof out === 'string' && out) return out;
    } catch { /* a plain line: keep looking */ }
  }
  return asked;
}

/** `acereason export hf` for the run's latest checkpoint; `--json` so the written folder can be read back. */
export function exportHfArgs(runDir: string, out: string, merge: boolean): string[] {
  return ['export', 'hf', '--run', runDir, '--out', out, '--json', ...(merge ? ['--merge'] : [])];
}

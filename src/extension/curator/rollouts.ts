// A prompt's rollouts from the workspace's runs: every runs/<id>/samples.jsonl, indexed by prompt id.
// Each file is read once and re-read only when its size or mtime changes, so clicking through
// prompts costs a stat per run.
import fs from 'node:fs';
import path from 'node:path';
import { SampleRecord } from '../../core/protocol/trainer';
import type { Rollout } from '../../core/protocol/curator';

const PER_PROMPT = 50;
const RESPONSE_CHARS = 20_000;

interface FileIndex { size: number; mtimeMs: number; byPrompt: Map<string, Rollout[]>; badLines: number }

export class RolloutIndex {
  private readonly files = new Map<string, FileIndex>();

  constructor(private readonly runsDir: () => string | undefined) {}

  /** Newest first, at most `limit`. */
  rolloutsOf(promptId: string, limit = PER_PROMPT): Rollout[] {
    const dir = this.runsDir();
    if (!dir || !fs.existsSync(dir)) return [];
    const out: Rollout[] = [];
    for (const run of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!run.isDirectory()) continue;
      const index = this.indexOf(path.join(dir, run.name, 'samples.jsonl'), run.name);
      out.push(...(index?.byPrompt.get(promptId) ?? []));
    }
    return out.sort((a, b) => b.runId.localeCompare(a.runId) || b.step - a.step).slice(0, limit);
  }

  private indexOf(file: string, runId: string): FileIndex | undefined {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { return undefined; }
    const cached = this.files.get(file);
    if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached;
    const index: FileIndex = { size: st.size, mtimeMs: st.mtimeMs, byPrompt: new Map(), badLines: 0 };
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let parsed;
      try { parsed = SampleRecord.safeParse(JSON.parse(line)); } catch { index.badLines++; continue; }
      if (!parsed.success) { index.badLines++; continue; }
      const s = parsed.data;
      const list = index.byPrompt.get(s.promptId) ?? [];
      list.push({
        runId, step: s.step, stage: s.stage, reward: s.reward, verdict: s.verdict, extracted: s.extracted ?? null,
        response: s.response.length > RESPONSE_CHARS ? `${s.response.slice(0, RESPONSE_CHARS - 1)}…` : s.response,
        tests: s.tests,
      });
      if (list.length > PER_PROMPT) list.shift();
      index.byPrompt.set(s.promptId, list);
    }
    this.files.set(file, index);
    return index;
  }
}

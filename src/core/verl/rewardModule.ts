// Writes compute_score.py (src/core/verl/compute_score.py, shipped as dist/py/compute_score.py) next
// to the exported parquet, with the reward service address baked in as its default.
import fs from 'node:fs';
import path from 'node:path';
import { distPath } from '../util/paths';
import { writeFileAtomic } from '../util/atomic';

export function rewardModuleSource(rewardUrl: string): string {
  const candidates = [distPath('py', 'compute_score.py'), path.join(__dirname, 'compute_score.py')];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`compute_score.py not found (looked in ${candidates.join(', ')}); run \`npm run build\``);
  if (!/^https?:\/\/[^\s"'\\]+$/.test(rewardUrl)) throw new Error(`not an http(s) URL: ${JSON.stringify(rewardUrl)}`);
  return fs.readFileSync(file, 'utf8').replace('__ACEREASON_REWARD_URL__', rewardUrl);
}

export function writeRewardModule(outDir: string, rewardUrl: string): string {
  const file = path.join(outDir, 'compute_score.py');
  writeFileAtomic(file, rewardModuleSource(rewardUrl));
  return file;
}

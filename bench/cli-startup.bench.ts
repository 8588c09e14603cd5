// `acereason --help` start-up: the built CLI against a bare `node -e 0` measured in the same run (the
// floor no CLI can beat), median of 7 runs each. Command modules load on first use (src/cli/registry.ts),
// so the help pays only for what dist/cli.js itself holds; with the per-command bundles
// (dist/commands/<name>.js) that is a few kilobytes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function medianMs(args: string[], runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function run(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const floor = medianMs(['-e', '0']);
  const help = medianMs([CLI, '--help']);
  const split = fs.existsSync(path.join(ROOT, 'dist', 'commands'));
  console.log(`node -e 0: ${floor.toFixed(0)} ms; acereason --help: ${help.toFixed(0)} ms (+${(help - floor).toFixed(0)} ms over bare node); `
    + `dist/cli.js ${(fs.statSync(CLI).size / 1024).toFixed(0)} KiB${split ? ', commands in dist/commands/' : ', every command in one bundle'}`);
}

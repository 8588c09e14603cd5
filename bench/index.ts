// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in order. Each
// exports `run(flags): Promise<void>` and prints its own figures with a baseline measured in the same
// run. Arguments starting with `--` are flags for the benches (`--json`: one machine-readable line
// per bench, no headers).
import fs from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = args.filter((a) => a.startsWith('--'));
  const wanted = args.filter((a) => !a.startsWith('--'));
  const json = flags.includes('--json');
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
  for (const f of files) {
    if (!json) console.log(`\n=== ${f.replace('.bench.ts', '')} ===`);
    const mod = await import(path.join(__dirname, f));
    const t0 = Date.now();
    await mod.run(flags);
    if (!json) console.log(`(${f}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

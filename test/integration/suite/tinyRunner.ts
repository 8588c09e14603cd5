// A minimal test runner for the extension host (mocha is not a dependency): named async cases run
// in order, each with a time limit; results are printed one line each and a failure rejects `run`,
// which makes VS Code exit non-zero.
export type Case = { name: string; timeoutMs: number; fn: () => Promise<void> };

const cases: Case[] = [];

export function test(name: string, fn: () => Promise<void>, timeoutMs = 60_000): void {
  cases.push({ name, fn, timeoutMs });
}

function withTimeout(c: Case): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
  });
  return Promise.race([c.fn(), limit]).finally(() => clearTimeout(timer));
}

export async function runAll(log: (line: string) => void = console.log): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    const t0 = Date.now();
    try {
      await withTimeout(c);
      passed++;
      log(`  ✔ ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      log(`  ✖ ${c.name} (${Date.now() - t0} ms)\n    ${((e as Error).stack ?? String(e)).split('\n').join('\n    ')}`);
    }
  }
  log(`integration: ${passed} passed, ${failed} failed`);
  return { passed, failed };
}

// One-shot CLI commands from the editor (e.g. `export hf`) run in a child process of the real CLI
// bundle: stdout lines on success, the CLI's one-line error and exit code on failure, and a cancel
// that kills the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { distPath } from '../../../src/core/util/paths';
import { CliCommandError, runCliCommand } from '../../../src/extension/cliProcess';
import { exportedFolder, exportHfArgs } from '../../../src/extension/runs/exportHfCli';

const cliScript = distPath('cli.js');
if (!fs.existsSync(cliScript)) throw new Error(`${cliScript} is missing: run \`node scripts/build.mjs\` first`);

test('exit 0: resolves with the stdout lines', async () => {
  const lines = await runCliCommand(['--help'], { cliScript });
  assert.ok(lines.some((l) => /^Usage: acereason /.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^\s+export\s/.test(l)), 'the command list names export');
});

test('bad input: rejects with the CLI\'s one-line error and exit code 2, and stderr lines arrive as progress', async () => {
  const seen: string[] = [];
  const err = await runCliCommand(['export', 'no-such-target'], { cliScript, onStderrLine: (l) => seen.push(l) }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CliCommandError, `rejected with ${err}`);
  assert.equal(err.exitCode, 2);
  assert.match(err.message, /^acereason export: expected .*'no-such-target'/);
  assert.ok(!err.message.includes('\n'), 'one line');
  assert.deepEqual(seen.slice(-1), [err.message]);
});

test('abort stops a running command, which then rejects as cancelled even when it exits cleanly', async () => {
  const abort = new AbortController();
  const run = runCliCommand(['serve', '--port', '0', '--host', '127.0.0.1'], { cliScript, signal: abort.signal });
  const out = run.then(() => 'resolved', (e: Error) => e.message);
  // `serve` runs until stopped; give it time to start, then cancel.
  await new Promise((r) => setTimeout(r, 1500));
  abort.abort();
  assert.equal(await out, 'cancelled');
});

test('export hf arguments, and the folder read back from --json output', () => {
  assert.deepEqual(exportHfArgs('/ws/runs/r1', '/out/m', false), ['export', 'hf', '--run', '/ws/runs/r1', '--out', '/out/m', '--json']);
  assert.deepEqual(exportHfArgs('/ws/runs/r1', '/out/m', true), ['export', 'hf', '--run', '/ws/runs/r1', '--out', '/out/m', '--json', '--merge']);
  assert.equal(exportedFolder(['{"kind":"merged","out":"/real/out","step":8}'], '/asked'), '/real/out');
  assert.equal(exportedFolder(['wrote /x: the model folder'], '/asked'), '/asked');
  assert.equal(exportedFolder([], '/asked'), '/asked');
});

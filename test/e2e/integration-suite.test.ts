// The in-editor suite of test/integration (normally run by @vscode/test-electron in a desktop VS
// Code, which cannot be downloaded here) run inside code-server's extension host instead, with the
// extension loaded from this checkout — so the suite is exercised on every `npm test`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Studio } from './harness';
import { packageRoot } from '../../src/core/util/paths';

let studio: Studio | undefined;
after(async () => { await studio?.close(); });

test('the in-editor suite passes in code-server', { timeout: 300_000 }, async () => {
  const root = packageRoot();
  studio = await Studio.launch({
    name: 'integration-suite',
    installExtension: false,
    extensionTests: { developmentPath: root, testsPath: path.join(root, 'test', 'integration', 'suite', 'index.js') },
  });
  await studio.capture('in-editor-suite', async () => {
    const code = await studio!.extensionTestsExit(240_000);
    const report = studio!.consoleLines.filter((l) => /[✔✖⚠]|integration: \d+ passed/.test(l)).map((l) => l.replace(/^%c\s*\w+\s+color:\s*\S+\s*/, ""));
    console.log(report.join('\n'));
    assert.equal(code, 0, `the suite failed; its report:\n${report.join('\n')}`);
    const summary = studio!.consoleLines.find((l) => /integration: \d+ passed, 0 failed/.test(l));
    assert.ok(summary, 'the suite printed its summary');
    assert.ok(Number(/integration: (\d+) passed/.exec(summary)![1]) >= 6, `all cases ran: ${summary}`);
  });
});

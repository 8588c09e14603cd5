// Regenerates media/screenshot-editor.png (the README's picture): the editor with the AceReason
// activity-bar container open, a demo run started from the command palette and the trainer's
// output showing. Run after `npm run build && npm run package`:
//   node --import tsx test/e2e/readme-screenshot.ts
import fs from 'node:fs';
import path from 'node:path';
import { Studio } from './harness';
import { packageRoot } from '../../src/core/util/paths';

async function main(): Promise<void> {
  const studio = await Studio.launch({ name: 'readme', viewport: { width: 1280, height: 800 } });
  try {
    await studio.runCommand('AceReason: Start Math RL');
    await studio.waitForStatusBarText(/AceReason: running|step \d+/, 90_000);
    await studio.openActivityBarView('AceReason');
    await studio.capture('show-output', () => studio.showOutputChannel('AceReason'));
    await studio.page.waitForTimeout(3000); // let the views render their first data
    const shot = await studio.screenshot('readme-editor');
    const target = path.join(packageRoot(), 'media', 'screenshot-editor.png');
    fs.copyFileSync(shot, target);
    console.log(target);
  } finally {
    await studio.close();
  }
}

void main().catch((e: Error) => { console.error(e.stack ?? e.message); process.exitCode = 1; });

// Regenerates media/screenshot-editor.png (the README's picture): the editor with the AceReason
// activity-bar container open and a demo run, started from the command palette, a few steps in. Run after `npm run build && npm run package`:
//   node --import tsx test/e2e/readme-screenshot.ts
import fs from 'node:fs';
import path from 'node:path';
import { Studio } from './harness';
import { packageRoot } from '../../src/core/util/paths';

async function main(): Promise<void> {
  const studio = await Studio.launch({ name: 'readme', viewport: { width: 1280, height: 800 } });
  try {
    await studio.runCommand('AceReason: Start Math RL');
    await studio.waitForStatusBarText(/AceReason: \S+ running|step \d+/, 90_000);
    await studio.openActivityBarView('AceReason');
    // A picture with curves: wait for a few RL steps (minutes on 2 cores), or take what is there.
    await studio.waitForStatusBarText(/step ([4-9]|\d\d+)\//, 600_000).catch(() => undefined);
    await studio.page.waitForTimeout(2000); // let the views render the latest data
    const shot = await studio.screenshot('readme-editor');
    const target = path.join(packageRoot(), 'media', 'screenshot-editor.png');
    fs.copyFileSync(shot, target);
    console.log(target);
  } finally {
    await studio.close();
  }
}

void main().catch((e: Error) => { console.error(e.stack ?? e.message); process.exitCode = 1; });

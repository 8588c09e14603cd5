import { Studio } from './harness';
async function main() {
  const studio = await Studio.launch({ name: 'dbg', viewport: { width: 1280, height: 800 } });
  try {
    await studio.runCommand('AceReason: Start Math RL');
    const m = await studio.waitForOutput('AceReason', /trainer pid (\d+) ready/, 60000);
    await studio.waitForStatusBarText(/AceReason: running/, 60000);
    process.kill(Number(m[1]), 'SIGKILL');
    await studio.waitForNotification(/killed by SIGKILL/);
    await studio.page.waitForTimeout(500);
    const t0 = Date.now();
    const shots = (async () => { for (let k = 0; k < 12; k++) { await studio.page.waitForTimeout(700); await studio.screenshot('r' + k + '-' + (Date.now() - t0)); } })();
    await studio.runCommand('AceReason: Start Math RL');
    console.log('runCommand returned after', Date.now() - t0);
    await shots;
    console.log(studio.readOutputChannel('AceReason').split('\n').slice(-5).join('\n'));
  } finally { await studio.close(); }
}
void main();

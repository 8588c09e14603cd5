// The in-editor suite: the same commands the end-to-end test drives from the palette, driven here
// through the `vscode` API inside a real VS Code (desktop, through @vscode/test-electron).
import './commands.suite';
import { runAll } from './tinyRunner';

export async function run(): Promise<void> {
  const { failed } = await runAll();
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}

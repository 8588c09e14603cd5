// Entry point VS Code loads with --extensionTestsPath (from test/integration/run.mjs and from the
// "Extension Tests (in-editor)" launch configuration). The extension host cannot load TypeScript,
// so the suite is bundled with esbuild (`vscode` left external) into out/integration/ first.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
// One file per process: several editors may run the suite from the same checkout at once.
const outfile = path.join(root, 'out', 'integration', `suite-${process.pid}.js`);

function bundle() {
  require('esbuild').buildSync({
    entryPoints: [path.join(__dirname, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

exports.run = async function run() {
  bundle();
  const suite = require(outfile);
  require('node:fs').rmSync(outfile, { force: true });
  return suite.run();
};

// `acereason <command> …` — the same core and trainer as the extension, headless.
import { commands } from './registry';
import { CliError, defaultIO, type CliIO } from './command';

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'AceReason Studio — curate math/code prompts and train a reasoning policy with on-policy GRPO.',
    '',
    'Usage: acereason <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `acereason <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${process.env.ACEREASON_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`acereason: unknown command '${name}'\n\n${helpText()}\n`);
    return 2;
  }
  if (rest[0] === '--help' || rest[0] === '-h') {
    io.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`acereason ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(`acereason ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

/** Process entry: bin/acereason.js calls this; `node dist/cli.js …` runs it directly. */
export function main(argv = process.argv.slice(2)): void {
  runCli(argv).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exitCode = 1; },
  );
}

if (require.main === module) main();

// `acereason verify math|code --input FILE` — dispatches to the verifier's own command file.
import { CliError, didYouMean, type CliCommand } from '../command';
import { verifyMath } from './verifyMath';
import { verifyCode } from './verifyCode';

const subcommands: Record<string, CliCommand> = { math: verifyMath, code: verifyCode };

export const command: CliCommand = {
  name: 'verify',
  summary: 'Verify model answers: `verify math` (answer equivalence) or `verify code` (sandboxed tests)',
  usage: `Usage: acereason verify <math|code> --input FILE|- [options]

  verify math   ${verifyMath.summary}
  verify code   ${verifyCode.summary}

Run \`acereason verify math --help\` or \`acereason verify code --help\` for details.`,
  subcommandUsage: { math: verifyMath.usage, code: verifyCode.usage },
  async run(args, io) {
    const [sub, ...rest] = args;
    const cmd = sub ? subcommands[sub] : undefined;
    if (!cmd) throw new CliError(`expected 'math' or 'code' after 'verify'${sub ? `, got '${sub}'${didYouMean(sub, Object.keys(subcommands))}` : ''}`);
    return cmd.run(rest, io);
  },
};

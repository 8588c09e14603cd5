// Every CLI command, one line each. Adding a command = one file in ./commands + one line here.
import type { CliCommand } from './command';
import { command as train } from './commands/train';
import { command as curate } from './commands/curate';
import { command as verify } from './commands/verify';
import { command as sandbox } from './commands/sandbox';
import { command as serve } from './commands/serve';
import { command as exportCmd } from './commands/export';
import { command as launch } from './commands/launch';
import { command as backend } from './commands/backend';

export const commands: CliCommand[] = [train, curate, verify, sandbox, serve, exportCmd, launch, backend];

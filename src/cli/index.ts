#!/usr/bin/env node
// `npx cdk-eks-oidc <command>`: the command-line tool, a thin shell over the library's public
// classes. Here are the table of commands and what they share: help, usage errors (exit code 2,
// and a JSON document with --json), and a reader that closes standard output early.
import { Command, helpOf, parseArguments, shownArgument, UsageError, wantsHelp } from './arguments';
import { DOCTOR } from './doctor-command';
import { EXPLAIN } from './explain';
import { jsonOf, terminalText, usageErrorOutput } from './output';

/** The commands: a new command is one more entry. */
const COMMANDS: readonly Command[] = [EXPLAIN, DOCTOR];

/** Runs the command line (without `node` and the script); returns the exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find(c => c.name === name);
  try {
    if (wantsHelp(argv)) {
      process.stdout.write(`${command !== undefined ? helpOf(command) : COMMANDS.map(helpOf).join('\n\n')}\n`);
      return 0;
    }
    if (command === undefined) {
      const names = COMMANDS.map(c => JSON.stringify(c.name)).join(', ');
      throw new UsageError(`unknown command ${shownArgument(name ?? '')}: the command${COMMANDS.length === 1 ? ' is' : 's are'} ${names}`);
    }
    return await command.run(parseArguments(args, command));
  } catch (error) {
    // Any other error is a bug; its message may quote the input, the token included: not shown.
    const usage = error instanceof UsageError;
    const message = usage ? error.message : `internal error${error instanceof Error ? ` (${error.name})` : ''}: a bug in cdk-eks-oidc; `
      + 'please report it with the command line, without the token';
    if (args.includes('--json')) process.stdout.write(jsonOf(usageErrorOutput(message)));
    process.stderr.write(`cdk-eks-oidc: ${terminalText(message)}\n${usage ? 'Run cdk-eks-oidc --help for how to use it.\n' : ''}`);
    return 2;
  }
}

if (require.main === module) {
  // A reader that stops early (`... --json | head -1`) closes the pipe: writing then fails with
  // EPIPE, which would otherwise end the process with a stack trace. Stop quietly, with the
  // exit code of the verdict; any other failure to write is exit code 2.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') process.exitCode = 2;
    });
  }
  void main(process.argv.slice(2)).then(code => {
    process.exitCode ??= code;
  });
}

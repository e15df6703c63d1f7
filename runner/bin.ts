#!/usr/bin/env node
import { relaunch, relaunchFlagsHere } from './relaunch.js';

const flags = relaunchFlagsHere();
if (flags) {
  // The CLI again, with the V8 flags it runs best with on this machine (see relaunch.ts).
  process.exitCode = await relaunch(flags);
} else {
  // `parley run … | head`: the reader went away; stop quietly instead of crashing on EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }

  // Loaded only here: a process that relaunches has no use for the CLI's modules.
  const { main } = await import('./cli.js');
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const debug = process.argv.includes('--debug');
      const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
      process.stderr.write(`parley: internal error: ${detail}\n`);
      process.exitCode = 70;
    },
  );
}

/**
 * `parley fake-server <deepgram|openai|elevenlabs> [--port N] [--script FILE]`: runs a
 * protocol-faithful fake of a provider on 127.0.0.1, so an agent under development can be
 * pointed at it. Prints the base URL on the first line of stdout, serves until SIGINT or SIGTERM,
 * then exits 0. A script with mistakes is reported as `file:line:col: message` lines, exit 2.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { FAKE_SERVERS, type FakeServerName } from '../providers/fake-servers.js';
import { UsageError } from './usage.js';

/** The usage text of `parley fake-server`. */
export const FAKE_SERVER_USAGE = `Usage: parley fake-server <deepgram|openai|elevenlabs> [--port N] [--script FILE]

Runs a local fake of the provider's streaming API on 127.0.0.1, with the real message shapes,
and prints its base URL on the first line. Point your code at it (e.g. DEEPGRAM_BASE_URL,
OPENAI_BASE_URL, ELEVENLABS_BASE_URL; any non-empty key is accepted) and stop it with Ctrl-C.

  deepgram     /v1/listen (Nova), /v2/listen (Flux), /v1/speak (Aura) websockets
  openai       POST /v1/chat/completions, streamed (SSE) or not
  elevenlabs   /v1/text-to-speech/{voice}/stream-input websocket, POST .../stream

Without a script the fakes answer with defaults: Deepgram hears the same sentence over and over
in any audio, OpenAI replies with a fixed sentence, the TTS fakes speak a tone whose length
follows the text. A script (YAML or JSON) says what to answer and when, and which faults to
inject (handshake refusals, mid-stream closes, malformed messages, stalls, slow first bytes,
inactivity closes); see the module documentation of providers/*/fake-script.ts.

Options:
  --port N       port to listen on (default: any free port)
  --script FILE  what the fake answers, and its faults
  -h, --help     show this help`;

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `parley fake-server`: returns the exit code once stopped (`stop` replaces the signals, for tests). */
export async function fakeServerCommand(
  args: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  stop: () => Promise<void> = untilSignalled,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { port: { type: 'string' }, script: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${FAKE_SERVER_USAGE}\n`);
    return 0;
  }
  const names = Object.keys(FAKE_SERVERS);
  if (positionals.length !== 1) throw new UsageError(`expected one provider (${names.join(', ')}), got ${positionals.length}`);
  const name = positionals[0]!;
  if (!Object.hasOwn(FAKE_SERVERS, name)) throw new UsageError(`unknown provider "${name}"; expected one of: ${names.join(', ')}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!/^\d+$/.test(values.port ?? '') || port > 65535)) throw new UsageError(`--port expects a port number (0-65535), got "${values.port}"`);
  if (values.script === '') throw new UsageError('--script expects a file');

  const kind = FAKE_SERVERS[name as FakeServerName];
  let launched: Awaited<ReturnType<typeof kind.launch>>;
  try {
    launched = await kind.launch({ ...(values.script !== undefined ? { scriptFile: values.script } : {}), ...(port !== undefined ? { port } : {}) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`);
    throw error;
  }
  if (!launched.ok) {
    for (const error of launched.errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  const { fake } = launched;
  out.write(`${fake.baseUrl}\n`);
  err.write(`parley fake-server: ${name} fake on ${fake.baseUrl} (${kind.baseUrlVariable}=${fake.baseUrl}, any non-empty ${kind.keyVariable}); Ctrl-C stops it\n`);
  await stop();
  await fake.close();
  return 0;
}

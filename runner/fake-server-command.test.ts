import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { DeepgramStt } from '../providers/deepgram/stt.js';
import type { SttEvent } from '../providers/stt.js';
import { audio, EventLog } from '../providers/test-support/events.js';
import { fakeServerCommand } from './fake-server-command.js';
import { Capture, parley } from './test-support/cli.js';
import { withoutProviderEnv } from '../providers/test-support/env.js';

withoutProviderEnv();

const dir = mkdtempSync(join(tmpdir(), 'parley-fake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = fileURLToPath(new URL('../dist/runner/bin.js', import.meta.url));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('parley fake-server', () => {
  it('prints its usage with --help, and is listed in parley --help', async () => {
    const help = await parley('fake-server', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: parley fake-server <deepgram\|openai\|elevenlabs> \[--port N\] \[--script FILE\]/);
    expect((await parley('--help')).out).toContain('fake-server <deepgram|openai|elevenlabs>');
  });

  it('rejects a wrong provider, a wrong port or a missing one in one line, exit 2', async () => {
    expect(await parley('fake-server', 'whisper')).toMatchObject({ code: 2, errLines: ['parley fake-server: unknown provider "whisper"; expected one of: deepgram, openai, elevenlabs'] });
    expect(await parley('fake-server', 'openai', '--port', 'eighty')).toMatchObject({ code: 2, errLines: ['parley fake-server: --port expects a port number (0-65535), got "eighty"'] });
    expect(await parley('fake-server')).toMatchObject({ code: 2, errLines: ['parley fake-server: expected one provider (deepgram, openai, elevenlabs), got 0'] });
    expect((await parley('fake-server', 'openai', '--bogus')).errLines).toEqual(['parley fake-server: unknown option "--bogus" (try: parley fake-server --help)']);
  });

  it('reports every mistake of a script as file:line:col, exit 2, without starting', async () => {
    const script = file('bad.yaml', 'listen:\n  utterences:\n    - text: hi\n  word: fast\nfaults:\n  - close: 1011\n    after: { audo: 2s }\n');
    const result = await parley('fake-server', 'deepgram', '--script', script);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.errLines).toEqual([
      `${script}:2:3: unknown key "utterences" (did you mean "utterances"?)`,
      `${script}:4:9: expected a duration with a unit, like "250ms" or "1.2s", got "fast"`,
      `${script}:7:12: unknown trigger "audo" (did you mean "audio"?)`,
    ]);
    const missing = await parley('fake-server', 'openai', '--script', join(dir, 'nope.json'));
    expect(missing).toMatchObject({ code: 2, errLines: [`${join(dir, 'nope.json')}: no such file`] });
  });

  it('serves a scripted Deepgram until stopped: base URL on the first line, exit 0', async () => {
    const script = file('dg.json', JSON.stringify({ listen: { utterances: [{ text: 'Scripted words.', at: '100ms', word: '100ms' }] } }));
    const out = new Capture();
    const err = new Capture();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = fakeServerCommand(['deepgram', '--script', script], out, err, () => stopped);
    while (!out.text.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    const url = out.text.split('\n')[0]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(err.text).toContain(`DEEPGRAM_BASE_URL=${url}`);
    const session = await new DeepgramStt({ env: { DEEPGRAM_API_KEY: 'any', DEEPGRAM_BASE_URL: url }, endpointingMs: 100 }).connect(new AbortController().signal);
    const log = new EventLog<SttEvent>(session);
    for (const chunk of audio(800)) session.sendAudio(chunk);
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    expect(log.of('transcript').find((e) => e.isFinal)!.text).toBe('Scripted words.');
    await session.close();
    stop();
    expect(await running).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('as a process: answers the OpenAI SDK, and exits 0 on %s', async (signal) => {
    const child = spawn(process.execPath, [bin, 'fake-server', 'openai', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [firstLine] = await new Promise<string[]>((resolve) => {
        createInterface({ input: child.stdout }).once('line', (line) => resolve([line]));
      });
      expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const client = new OpenAI({ apiKey: 'sk-any', baseURL: firstLine, maxRetries: 0 });
      const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(reply.choices[0]!.message.content).toBe('This is the parley fake server.');
    } finally {
      child.kill(signal);
    }
    expect(await exited).toBe(0);
  });
});

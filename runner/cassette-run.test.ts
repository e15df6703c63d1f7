import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock/virtual-clock.js';
import { CassetteLlm } from '../providers/cassette/cassette-llm.js';
import { decodeCassette, type Cassette, type HttpExchange } from '../providers/cassette/format.js';
import type { LlmEvent } from '../providers/llm.js';
import { withoutProviderEnv } from '../providers/test-support/env.js';
import { BUNDLED_LLM_CASSETTE, recordLlmCassette } from '../sim/test-support/cassette-recordings.js';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/**
 * `parley run` with scenarios that replay cassettes, end to end in a temporary working
 * directory: bad cassettes are bad input (exit 2, nothing run or written), a cassette that runs
 * out is in the report, the same inputs give the same report bytes (in worker threads too), and
 * the bundled example passes with a cassette that is what recording it now gives.
 *
 * To re-record the bundled example's cassette (after a change to the OpenAI adapter, the fake
 * server or the cassette format): `PARLEY_RECORD_CASSETTES=1 npx vitest run runner/cassette-run.test.ts`.
 */

withoutProviderEnv();
const { home } = inTemporaryDirectory('cassette-run');
const write = writeLines;

const REPLY = 'Sure, for which day would you like it?';
let llm: Buffer;
beforeAll(async () => {
  llm = await recordLlmCassette({ default_reply: REPLY, first_token: '300ms', token_interval: '20ms' }, [[{ role: 'user', content: 'Hi, can I book a table for two?' }]]);
});

/** A scenario replaying `calls/llm.cassette.json.gz` (as `cassette`), with `more` user lines. */
function scenario(name: string, cassette = 'calls/llm.cassette.json.gz', ...more: string[]): string[] {
  return [
    `name: ${name}`,
    'providers:',
    `  llm: { cassette: ${cassette} }`,
    'user:',
    '  - say: "Hi, can I book a table for two?"',
    '    at: 500ms',
    ...more,
    'channel:',
    '  jitter: { mean: 20ms, sd: 10ms }',
    'expect:',
    '  - every_turn_answered',
    `  - agent_said: "${REPLY}"`,
  ];
}

/** Puts the recorded cassette at calls/llm.cassette.json.gz. */
function putCassette(): void {
  write('calls/llm.cassette.json.gz');
  writeFileSync('calls/llm.cassette.json.gz', llm);
}

function readReport(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}

describe('parley run with cassettes', () => {
  it('a cassette that is missing, not a cassette or holds nothing for its role: exit 2, one line each, nothing run or written', async () => {
    putCassette();
    writeFileSync('notes.txt', 'not a cassette\n');
    write('a.yaml', ...scenario('missing', 'calls/gone.cassette.json.gz'));
    write('b.yaml', ...scenario('not one', 'notes.txt'));
    write('sub/c.yaml', 'name: wrong role', 'providers:', '  stt: { cassette: ../calls/llm.cassette.json.gz }', 'user:', '  - say: "Hello."', 'expect:', '  - every_turn_answered');
    const result = await parley('run', 'a.yaml', 'b.yaml', 'sub/c.yaml', '--report-dir', 'rep');
    expect(result.errLines).toEqual([
      'a.yaml:3:20: llm cassette "calls/gone.cassette.json.gz": no such file (looked for calls/gone.cassette.json.gz; expected a cassette recorded by parley, relative to the scenario file)',
      'b.yaml:3:20: llm cassette "notes.txt": not a cassette: not JSON; expected a parley cassette (gzip JSON, *.cassette.json.gz)',
      'sub/c.yaml:3:20: stt cassette "../calls/llm.cassette.json.gz" holds nothing for the stt: expected a recording of deepgram.listen.v1 or deepgram.listen.v2, found only 1 openai.chat exchange (llm)',
    ]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('rep')).toBe(false);
  });

  it('the same scenarios, seeds and cassette give byte-identical report.json, with worker threads too', async () => {
    putCassette();
    write('one.yaml', ...scenario('one'));
    write('two.yaml', ...scenario('two'));
    const first = await parley('run', 'one.yaml', 'two.yaml', '--seed', '5', '--report-dir', 'first');
    const again = await parley('run', 'one.yaml', 'two.yaml', '--seed', '5', '--report-dir', 'again');
    const workers = await parley('run', 'one.yaml', 'two.yaml', '--seed', '5', '--workers', '2', '--report-dir', 'workers');
    expect([first.err, again.err, workers.err]).toEqual(['', '', '']);
    expect(first.code).toBe(0);
    const bytes = readFileSync('first/report.json');
    expect(readFileSync('again/report.json').equals(bytes)).toBe(true);
    expect(readFileSync('workers/report.json').equals(bytes)).toBe(true);
    // The recorded reply was heard (agent_said), in both scenarios.
    expect(readReport('first').scenarios.map((run: { passed: boolean }) => run.passed)).toEqual([true, true]);
  });

  it('a cassette that runs out: the run ends normally, and report.json says which turn failed and why', async () => {
    putCassette();
    write('more.yaml', ...scenario('more turns than recorded', undefined, '  - say: "Tomorrow evening, please."', '    at: agent.speech.end + 500ms'));
    const result = await parley('run', 'more.yaml', '--report-dir', 'rep');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const [run] = readReport('rep').scenarios;
    expect(run.endReason).toBe('script_done');
    const answered = run.assertions.find((a: { id: string }) => a.id === 'every_turn_answered');
    expect(answered.passed).toBe(false);
    expect(answered.message).toMatch(/user turn 2 \("Tomorrow evening, please\.", ended [\d.]+ s\) was never answered — LLM error: openai: cassette calls\/llm\.cassette\.json\.gz: nothing recorded for request #\d \(1 recorded\)/);
    expect(result.out).toContain('cassette calls/llm.cassette.json.gz: nothing recorded for request #');
  });
});

describe('the bundled example', () => {
  it('scenarios/cassettes passes with the default config', async () => {
    cpSync(join(home, 'scenarios'), 'scenarios', { recursive: true });
    const result = await parley('run', 'scenarios/cassettes', '--report-dir', 'rep');
    expect(result.err).toBe('');
    expect(result.out.split('\n').filter((line) => line.startsWith('✗ ') || line.startsWith('    '))).toEqual([]);
    expect(result.code).toBe(0);
    const [run] = readReport('rep').scenarios;
    expect(run.turns).toHaveLength(1);
  });

  it('its cassette is current: recording the same exchange now gives the same request and response, replayed the same', async () => {
    const path = join(home, BUNDLED_LLM_CASSETTE.path);
    const fresh = await recordLlmCassette(BUNDLED_LLM_CASSETTE.script, BUNDLED_LLM_CASSETTE.requests);
    if (process.env.PARLEY_RECORD_CASSETTES) writeFileSync(path, fresh);
    const committed = decodeCassette(readFileSync(path));
    const recorded = decodeCassette(fresh);
    expect(shape(committed)).toEqual(shape(recorded));
    expect(await replay(committed)).toEqual(await replay(recorded));
    // The timing the scenario's description promises: first token after 350 ms, then one every 25 ms.
    const exchange = only(committed);
    const tokens = exchange.chunks.filter((c) => 'text' in c && /"content":"[^"]/.test(c.text)).map((c) => c.t - exchange.startMs);
    expect(tokens[0]).toBeGreaterThanOrEqual(350);
    expect(tokens[0]).toBeLessThan(500);
    expect(tokens.at(-1)! - tokens[0]!).toBeGreaterThanOrEqual(25 * (tokens.length - 1));
  });
});

function only(cassette: Cassette): HttpExchange {
  expect(cassette.exchanges).toHaveLength(1);
  const [exchange] = cassette.exchanges;
  if (exchange?.type !== 'http') throw new Error('expected one HTTP exchange');
  return exchange;
}

/** A cassette without what changes from one recording to the next: times, the fake's port, dates and versions. */
function shape(cassette: Cassette): unknown {
  const exchange = only(cassette);
  return {
    format: [cassette.format, cassette.version, cassette.role, cassette.provider],
    protocol: exchange.protocol,
    method: exchange.method,
    path: new URL(exchange.url).pathname,
    requestHeaders: Object.keys(exchange.requestHeaders).sort(),
    requestBody: exchange.requestBody,
    status: exchange.response?.status,
    chunks: exchange.chunks.map((c) => ('text' in c ? c.text : c.binary)).join(''),
    end: exchange.end.how,
  };
}

/** The events of replaying the cassette's request on a virtual clock. */
async function replay(cassette: Cassette): Promise<LlmEvent[]> {
  const clock = new VirtualClock();
  const llm = new CassetteLlm({ cassette, clock });
  const events: LlmEvent[] = [];
  let done = false;
  void (async () => {
    for await (const event of llm.stream({ messages: [...BUNDLED_LLM_CASSETTE.requests[0]] }, new AbortController().signal)) events.push(event);
    done = true;
  })();
  while (!done) await clock.advance(10);
  return events;
}

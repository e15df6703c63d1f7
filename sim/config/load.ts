import { relative, resolve, sep } from 'node:path';
import { EchoCanceller } from '../../core/echo/echo-canceller.js';
import { resolveEndpointerConfig } from '../../core/endpointer/endpointer.js';
import { resolveInterruptionConfig } from '../../core/interruption/policy.js';
import { SentenceBuffer } from '../../core/text/sentence-buffer.js';
import { resolveVadHysteresis } from '../../core/vad/hysteresis.js';
import { didYouMean } from '../load/messages.js';
import { InputError, loadYaml, type SourcePosition } from '../load/index.js';
import { readInputFile } from '../load/read.js';
import type { AgentConfig } from './model.js';
import { PRESETS } from './presets.js';
import { LLM_PROFILES, STT_PROFILES, TTS_PROFILES } from './profiles.js';
import { applyOverride } from './resolve.js';
import {
  configFileSchema,
  endpointerOverride,
  interruptionOverride,
  llmOverride,
  sentenceBufferOverride,
  echoCancellerOverride,
  liveOverride,
  type ConfigFile,
  sttOverride,
  ttsOverride,
  vadOverride,
} from './schema.js';

/** The result of resolving a config reference. */
export type ConfigLoad = { readonly ok: true; readonly config: AgentConfig } | { readonly ok: false; readonly errors: readonly InputError[] };

/** Whether a `--config` / `config:` value names a file rather than a preset. */
export function isConfigPath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref);
}

/**
 * Resolves a config reference: a preset name, or a YAML file (relative to `baseDir`).
 * `referrer` names where the reference was written, for the error when it is neither.
 */
export function resolveConfig(ref: string, baseDir: string, referrer: { file: string; position?: SourcePosition }): ConfigLoad {
  if (!isConfigPath(ref)) {
    const preset = PRESETS[ref];
    if (preset) return { ok: true, config: preset };
    const suggestion = didYouMean(ref, Object.keys(PRESETS));
    const message = `unknown config "${ref}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; expected a preset (${Object.keys(PRESETS).join(', ')}) or a .yaml file`;
    return { ok: false, errors: [new InputError(referrer.file, referrer.position, message)] };
  }
  const path = resolve(baseDir, ref);
  return loadConfigFile(path, displayPath(path));
}

/** Reads and validates an agent config file. */
export function loadConfigFile(path: string, display: string): ConfigLoad {
  const read = readInputFile(path, display);
  if (!read.ok) return read;
  const result = loadYaml(display, read.text, configFileSchema, { expected: 'an agent config: a mapping with vad, endpointer, interruption, sentence_buffer, providers or live' });
  if (!result.ok) return { ok: false, errors: result.errors };
  const file = result.loaded.value;
  const base = PRESETS[file.extends ?? 'default'];
  if (!base) {
    const suggestion = didYouMean(file.extends!, Object.keys(PRESETS));
    const message = `unknown preset "${file.extends}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; presets: ${Object.keys(PRESETS).join(', ')}`;
    return { ok: false, errors: [new InputError(display, result.loaded.positionOf(['extends']), message)] };
  }
  const providers = file.providers ?? {};
  const config: AgentConfig = {
    name: display,
    vad: { ...base.vad, ...(file.vad ? vadOverride(file.vad) : {}) },
    endpointer: file.endpointer ? { ...base.endpointer, ...endpointerOverride(file.endpointer) } : base.endpointer,
    interruption: { ...base.interruption, ...(file.interruption ? interruptionOverride(file.interruption) : {}) },
    sentenceBuffer: { ...base.sentenceBuffer, ...(file.sentence_buffer ? sentenceBufferOverride(file.sentence_buffer) : {}) },
    echoCanceller: echoCancellerOf(base.echoCanceller, file.echo_canceller),
    providers: {
      stt: applyOverride(base.providers.stt, providers.stt !== undefined ? sttOverride(providers.stt) : undefined, STT_PROFILES, 'STT'),
      llm: applyOverride(base.providers.llm, providers.llm !== undefined ? llmOverride(providers.llm) : undefined, LLM_PROFILES, 'LLM'),
      tts: applyOverride(base.providers.tts, providers.tts !== undefined ? ttsOverride(providers.tts) : undefined, TTS_PROFILES, 'TTS'),
    },
    live: file.live ? liveOverride(base.live, file.live) : base.live,
  };
  const problem = coreProblem(config);
  if (problem) return { ok: false, errors: [new InputError(display, result.loaded.positionOf([problem.section]), problem.message)] };
  return { ok: true, config };
}

/** The base's echo canceller with a file's changes: false turns it off, fields change a base one (or the defaults). */
function echoCancellerOf(base: AgentConfig['echoCanceller'], file: ConfigFile['echo_canceller']): AgentConfig['echoCanceller'] {
  if (file === undefined) return base;
  const changes = echoCancellerOverride(file);
  if (changes === false) return false;
  return { ...(base === false ? {} : base), ...changes };
}

/** Settings each component accepts alone but not together (e.g. min_delay above max_delay). */
function coreProblem(config: AgentConfig): { section: string; message: string } | undefined {
  const checks: [string, () => unknown][] = [
    ['endpointer', () => resolveEndpointerConfig(config.endpointer)],
    ['interruption', () => resolveInterruptionConfig(config.interruption)],
    ['vad', () => resolveVadHysteresis({ activationThreshold: config.vad.activationThreshold, minSpeechMs: config.vad.minSpeechMs, minSilenceMs: config.vad.minSilenceMs, prefixPaddingMs: config.vad.prefixPaddingMs })],
    ['sentence_buffer', () => new SentenceBuffer(config.sentenceBuffer)],
    ['echo_canceller', () => config.echoCanceller && new EchoCanceller({ ...config.echoCanceller, sampleRate: 16000 })],
  ];
  for (const [section, check] of checks) {
    try {
      check();
    } catch (error) {
      return { section, message: error instanceof Error ? error.message : String(error) };
    }
  }
  return undefined;
}

/** A path as shown in messages and reports: relative to the working directory, `/`-separated. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path) || '.';
  return rel.split(sep).join('/');
}


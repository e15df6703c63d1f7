/**
 * Audio primitives: WAV in and out, channel selection, resampling, PCM16 and G.711 μ-law
 * conversions, levels and mixing. Float samples in [-1, 1] (Float32Array) throughout.
 *
 * @module
 */
export { AudioFileError } from './audio-file-error.js';
export { muLawDecode, muLawEncode } from './g711.js';
export { dbToGain, gainToDb, mixInto, rmsDb, type MixOptions } from './mix.js';
export { floatToPcm16, pcm16ToFloat } from './pcm.js';
export { selectChannel, toPipeline, type ChannelChoice, type PipelineOptions, type PipelineRate } from './pipeline.js';
export { resample, Resampler } from './resample.js';
export { decodeWav, encodeWav, readWavFile, type DecodedAudio, type WavInput } from './wav.js';
export { WAV_SAMPLE_RATES, type WavEncoding } from './wav-layout.js';

/**
 * The far-end reference: the agent's audio as it was played, on an absolute sample timeline
 * (sample `i` played at `i / sampleRate` s of the session clock). Playout writes ahead (a chunk
 * is known when it starts) and may cut what it wrote (a barge-in stops it mid-chunk); anything
 * never written is silence. A ring keeps the most recent `capacity` samples.
 */
export class ReferenceBuffer {
  readonly capacity: number;
  readonly #ring: Float32Array;
  readonly #mask: number;
  /** Everything at or after this index is silence. */
  #end = 0;
  /** Everything before this index was overwritten or never kept: read as silence. */
  #start = 0;

  /** Keeps at least `minCapacity` samples (rounded up to a power of two). */
  constructor(minCapacity: number) {
    let capacity = 1;
    while (capacity < minCapacity) capacity *= 2;
    this.capacity = capacity;
    this.#ring = new Float32Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Index just past the last sample written. */
  get end(): number {
    return this.#end;
  }

  /** Writes `samples` (floats in [-1, 1], or PCM16) starting at absolute index `at`. */
  write(at: number, samples: Float32Array | Int16Array, from = 0, to = samples.length): void {
    if (to <= from) return;
    if (at > this.#end) this.#silence(this.#end, at);
    const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
    for (let i = from; i < to; i++) this.#ring[(at + i - from) & this.#mask] = samples[i]! * scale;
    this.#end = Math.max(this.#end, at + (to - from));
    this.#start = Math.max(this.#start, this.#end - this.capacity);
  }

  /** Cuts the reference at `at`: nothing plays from there on (what was written ahead is dropped). */
  cut(at: number): void {
    if (at >= this.#end) return;
    this.#silence(Math.max(at, this.#start), this.#end);
    this.#end = Math.max(at, this.#start);
  }

  /** Copies samples [from, from + out.length) into `out`; silence where nothing was written. */
  read(from: number, out: Float64Array | Float32Array): void {
    const to = from + out.length;
    const first = Math.min(to, Math.max(from, this.#start));
    const last = Math.max(first, Math.min(to, this.#end));
    out.fill(0, 0, first - from);
    out.fill(0, last - from);
    // The kept part (a loop, not subarray views: this runs several times per block).
    const ring = this.#ring;
    const mask = this.#mask;
    for (let index = first; index < last; index++) out[index - from] = ring[index & mask]!;
  }

  #silence(from: number, to: number): void {
    if (to - from >= this.capacity) {
      this.#ring.fill(0);
      return;
    }
    for (let i = from; i < to; i++) this.#ring[i & this.#mask] = 0;
  }
}

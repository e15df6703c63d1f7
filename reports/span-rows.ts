/**
 * Rows for spans that overlap within one lane (two TTS segments synthesised at once, a speculative
 * LLM request beside the committed one): each span goes in the first row where it overlaps
 * nothing. The HTML timeline draws one band per row and the Chrome trace gives each row its own
 * thread, since trace viewers expect the complete events of a thread to nest.
 */

/** The row of each span (same order as given; 0 for all when nothing overlaps), and the row count. */
export function packRows(spans: readonly { readonly startMs: number; readonly endMs: number }[]): { rows: number[]; count: number } {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a]!.startMs - spans[b]!.startMs || a - b);
  const rowEnds: number[] = [];
  const rows = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const span = spans[i]!;
    let row = rowEnds.findIndex((end) => end <= span.startMs);
    if (row === -1) row = rowEnds.push(span.endMs) - 1;
    else rowEnds[row] = span.endMs;
    rows[i] = row;
  }
  return { rows, count: Math.max(1, rowEnds.length) };
}

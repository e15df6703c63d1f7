import { describe, expect, it } from 'vitest';
import { describeCall, joinShortGaps } from './recorded.js';

const seg = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('describeCall', () => {
  it('answers: the agent after the caller, with the gap; a pause within a turn is a resumption, not an answer', () => {
    const user = [seg(0, 2000), seg(3000, 4000), seg(9000, 10_000)];
    const agent = [seg(4600, 8000), seg(10_500, 12_000)];
    const call = describeCall(user, agent);
    expect(call.responses).toEqual([
      { userEndMs: 4000, agentStartMs: 4600, gapMs: 600 },
      { userEndMs: 10_000, agentStartMs: 10_500, gapMs: 500 },
    ]);
    expect(call.turns).toEqual([
      { speechStartMs: 0, startMs: 0, endMs: 4000, resumptionsMs: [3000], answeredAtMs: 4600 },
      { speechStartMs: 9000, startMs: 9000, endMs: 10_000, resumptionsMs: [], answeredAtMs: 10_500 },
    ]);
    expect(call.overlaps).toEqual([]);
  });

  it('overlaps by whoever started second; a short "mhm" under the agent, which talks on, is a backchannel and no turn', () => {
    const user = [seg(0, 2000), seg(4000, 4400), seg(6000, 8000)];
    const agent = [seg(2500, 6500), seg(9000, 10_000)];
    const call = describeCall(user, agent, [
      { word: 'Hello', startMs: 0, endMs: 2000 },
      { word: 'mhm', startMs: 4000, endMs: 4400 },
      { word: 'wait,', startMs: 6000, endMs: 6400 },
      { word: 'stop', startMs: 6500, endMs: 8000 },
    ]);
    expect(call.overlaps).toEqual([
      { startMs: 4000, endMs: 4400, by: 'user', backchannelLike: true },
      { startMs: 6000, endMs: 6500, by: 'user', backchannelLike: false },
    ]);
    // The interruption is a turn, the caller's from when the agent stopped.
    expect(call.turns.map((t) => [t.speechStartMs, t.startMs, t.endMs])).toEqual([
      [0, 0, 2000],
      [6000, 6500, 8000],
    ]);
    expect(call.responses.map((r) => r.gapMs)).toEqual([500, 1000]);
  });

  it('without words, goes by length: under a second with the agent talking on is a backchannel', () => {
    const agent = [seg(0, 10_000)];
    expect(describeCall([seg(3000, 3800)], agent).overlaps[0]!.backchannelLike).toBe(true);
    expect(describeCall([seg(3000, 4500)], agent).overlaps[0]!.backchannelLike).toBe(false);
    // The agent stopped for it: not a backchannel, whatever its length.
    expect(describeCall([seg(3000, 3800)], [seg(0, 3100)]).overlaps[0]!.backchannelLike).toBe(false);
  });

  it('the agent talking over the caller is an overlap by the agent', () => {
    expect(describeCall([seg(0, 3000)], [seg(2500, 5000)]).overlaps).toEqual([{ startMs: 2500, endMs: 3000, by: 'agent' }]);
  });
});

describe('joinShortGaps', () => {
  it('joins segments less than 400 ms apart', () => {
    expect(joinShortGaps([seg(0, 1000), seg(1300, 2000), seg(2500, 3000)])).toEqual([seg(0, 2000), seg(2500, 3000)]);
  });
});

import { parseScenario } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/model.js';

/** A 10-minute support call: 34 exchanges with hesitations, backchannels and a barge-in now and then. */
export function tenMinuteCall(): Scenario {
  const turns: string[] = [];
  for (let i = 0; i < 34; i++) {
    const at = i === 0 ? '' : '\n    at: agent.speech.end + 700ms';
    switch (i % 4) {
      case 0:
        turns.push(`  - say: "Could you tell me what the opening hours are on weekends?"${at}`);
        break;
      case 1:
        turns.push(`  - say: "I would like to book a table for"${at}\n  - pause: 900ms\n  - filler: um\n  - say: "four people on Friday evening."`);
        turns.push('  - backchannel: mhm\n    at: agent.speech.start + 1500ms');
        break;
      case 2:
        turns.push(`  - say: "And is there parking nearby, or should we take the train?"${at}`);
        turns.push('  - say: "Sorry, one more thing."\n    at: agent.speech.start + 2500ms');
        break;
      default:
        turns.push(`  - say: "Great, thank you."${at}`);
    }
  }
  const yaml = `name: ten-minute call
max_duration: 15min
user:
${turns.join('\n')}
agent:
  default_reply: "Sure. We are open from nine in the morning until eleven at night on weekends, and I can book a table for you whenever you like. There is a car park behind the building."
channel:
  jitter: { mean: 15ms, sd: 5ms }
  echo: { delay: 120ms, gain: -20dB }
expect:
  - every_turn_answered
`;
  const loaded = parseScenario(yaml, 'bench/ten-minute-call.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  return loaded.scenario;
}


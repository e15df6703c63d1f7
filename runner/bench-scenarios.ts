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


/**
 * A 10-minute acoustic call (real samples, Silero, echo at −20 dB through a room): the same
 * rhythm as {@link tenMinuteCall}, spoken from the bundled clip bank's phrases.
 */
export function tenMinuteAcousticCall(): Scenario {
  const turns: string[] = [];
  for (let i = 0; i < 48; i++) {
    const at = i === 0 ? '' : '\n    at: agent.speech.end + 700ms';
    switch (i % 4) {
      case 0:
        turns.push(`  - say: "How do I get to your office from the station?"${at}`);
        turns.push('  - backchannel: mhm\n    at: agent.speech.start + 2s');
        break;
      case 1:
        turns.push(`  - say: "I'd like to book an appointment for"${at}\n  - pause: 900ms\n  - filler: um\n  - say: "Tuesday morning."`);
        break;
      case 2:
        turns.push(`  - say: "What time does the last ferry leave?"${at}`);
        turns.push('  - say: "Sorry, I meant on Sunday."\n    at: agent.speech.start + 2500ms');
        break;
      default:
        turns.push(`  - say: "Do you have any tables free tonight?"${at}`);
    }
  }
  const yaml = `name: ten-minute acoustic call
acoustic: true
max_duration: 15min
user:
${turns.join('\n')}
agent:
  replies:
    - when: Sunday
      say: "On Sundays the last ferry leaves at six fifteen."
    - when: last ferry
      say: "Today the last ferry leaves at nine forty in the evening, from pier two. Please be there fifteen minutes before departure."
    - when: station
      say: "From the station, take the main exit and turn left. Walk straight for about five minutes until you see the library."
    - when: Tuesday
      say: "Tuesday morning works. I have ten or eleven. Which would you like?"
    - when: tables
      say: "Yes, we have a table for two at seven, and a larger table at half past eight."
channel:
  jitter: { mean: 15ms, sd: 5ms }
  echo: { delay: 120ms, gain: -20dB, room: 15ms }
expect:
  - every_turn_answered
`;
  const loaded = parseScenario(yaml, 'bench/ten-minute-acoustic-call.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  return loaded.scenario;
}

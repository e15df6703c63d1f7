/**
 * The script of the OpenAI fake server.
 *
 * ```yaml
 * replies:
 *   - when: book            # case-insensitive substring of the last user message
 *     say: "Sure. For which day?"
 * default_reply: "This is the parley fake server."
 * first_token: 30ms         # from the request to the first content chunk
 * token_interval: 15ms      # between chunks
 * faults:
 *   - handshake: 429        # answer with this HTTP status and OpenAI's error body
 *     on: [1]
 *   - close: 1011           # drop the connection mid-stream (the code is ignored over HTTP)
 *     after: { messages: 3 }
 * ```
 *
 * @module
 */
import * as z from 'zod';
import { durationSchema } from '../../sim/load/index.js';
import { faultsSchema } from '../fake/script.js';

/** The OpenAI fake's script, as written. */
export const openAiScriptSchema = z.strictObject({
  replies: z.array(z.strictObject({ when: z.string().min(1), say: z.string() })).optional(),
  default_reply: z.string().optional(),
  first_token: durationSchema.optional(),
  token_interval: durationSchema.optional(),
  faults: faultsSchema,
});

/** A validated OpenAI script. */
export type OpenAiScript = z.output<typeof openAiScriptSchema>;

/** The default reply. */
export const DEFAULT_REPLY = 'This is the parley fake server.';

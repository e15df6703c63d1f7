/** Test fixture: a small scenario-like schema, written the way real scenario schemas are meant to be. */
import * as z from 'zod';
import { distributionSchema, durationSchema } from '../units.js';
import { keyedUnion } from '../yaml-load.js';

export const action = keyedUnion(
  {
    say: z.string(),
    pause: durationSchema,
    filler: z.string(),
    backchannel: z.string(),
    noise: z.strictObject({ kind: z.enum(['cafe', 'street']), duration: durationSchema }),
    silence: distributionSchema(durationSchema),
    hangup: z.null(),
  },
  { noun: 'action' },
);

export const scenario = z.strictObject({
  name: z.string(),
  seed: z.number().int().optional(),
  user: z.array(action),
  expect: z.strictObject({
    endpointing: z.enum(['semantic', 'silence']).optional(),
    maxLatency: durationSchema.optional(),
  }),
});


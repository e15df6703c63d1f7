/**
 * An {@link Outbox} for a streamed HTTP response: the status line and headers go out with the
 * first message (so `first_byte_delay` holds the whole response back), `close` faults drop the
 * connection mid-body, and the end of the body is itself a message so it waits its turn (and
 * never comes after a `stall`).
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock/clock.js';
import { Outbox } from './faults.js';
import type { ConnectionFaults } from './faults.js';

/** A piece of a streamed body, or its end. */
export type BodyPart = { readonly data: string | Uint8Array } | { readonly end: true };

/** Makes the outbox of one streamed response with `status` and `headers`, sending `malformed` for a malformed fault. */
export function httpOutbox(clock: Clock, faults: ConnectionFaults, response: ServerResponse, head: { readonly status: number; readonly headers: Record<string, string> }, malformed: string): Outbox<BodyPart> {
  const writeHead = (): void => {
    if (!response.headersSent) response.writeHead(head.status, head.headers);
  };
  const outbox = new Outbox<BodyPart>(clock, faults, {
    write: (part) => {
      writeHead();
      if ('end' in part) response.end();
      else response.write(part.data);
    },
    writeMalformed: () => {
      writeHead();
      response.write(malformed);
    },
    drop: () => {
      writeHead();
      // What was written still goes out; then the connection ends without finishing the body.
      response.socket?.end();
    },
    counts: (part) => !('end' in part),
  });
  response.on('close', () => outbox.end());
  return outbox;
}

/** Reads a request body as text. */
export function readBody(request: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

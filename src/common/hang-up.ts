import type { FastifyReply } from 'fastify';
import { clientClosedRequest } from './errors.js';

/** Aborts when the connection closes before the answer is written (the caller hung up). */
export function hangUpSignal(reply: FastifyReply): AbortSignal {
  const hangUp = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) hangUp.abort(clientClosedRequest());
  });
  return hangUp.signal;
}

import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, for startTestApp({ smtpUrl }). */
  url: string;
  /** Every message the server accepted, parsed, in order of arrival. */
  messages: ParsedMail[];
  /** Envelope recipients of each accepted message (same order as messages). */
  envelopes: Array<{ from: string; to: string[] }>;
  /** DATA commands received, refused ones included. */
  readonly attempts: number;
  /** Resolves once `count` messages arrived (or one matches `predicate`); rejects on timeout. */
  waitFor(
    what: number | ((message: ParsedMail) => boolean),
    timeoutMs?: number,
  ): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/**
 * An SMTP server in the test process that keeps what it is sent, so a test reads the mail the
 * app sent as a recipient would. `failFirst: n` answers the first n messages with a temporary
 * failure (451), as a server under load or greylisting does.
 */
export async function startSmtpCapture(options: { failFirst?: number } = {}): Promise<SmtpCapture> {
  const messages: ParsedMail[] = [];
  const envelopes: Array<{ from: string; to: string[] }> = [];
  const listeners = new Set<() => void>();
  let attempts = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      attempts += 1;
      const refuse = attempts <= (options.failFirst ?? 0);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (refuse) {
          const error = new Error('Temporary failure, try again later') as Error & {
            responseCode: number;
          };
          error.responseCode = 451;
          callback(error);
          return;
        }
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            messages.push(parsed);
            envelopes.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            });
            callback();
            for (const listener of listeners) listener();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    envelopes,
    get attempts() {
      return attempts;
    },
    waitFor(what, timeoutMs = 5_000) {
      const done = () =>
        typeof what === 'number' ? messages.length >= what : messages.some((m) => what(m));
      return new Promise((resolve, reject) => {
        if (done()) return resolve(messages);
        const listener = () => {
          if (!done()) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`SMTP capture: timed out with ${messages.length} message(s)`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

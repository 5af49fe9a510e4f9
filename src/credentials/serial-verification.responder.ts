import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localizeErrorBody } from '../common/error-messages.js';
import { STATUS_TEXT } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { pickLanguage } from '../web/i18n.js';
import { renderVerificationPage } from '../web/verification-page.js';
import { WebAssets } from '../web/web-assets.js';
import { VerificationService } from './verification.service.js';
import { VerifyRateLimiter } from './verify-rate-limiter.js';

/**
 * The answer to `GET /verify/:serial`: the verdict as JSON for programs, the page for browsers.
 * One implementation, reached two ways: PublicController declares the route (its contract in
 * OpenAPI, `@Public()` for the access policy), and verify-route.ts serves it straight from
 * Fastify, past Nest's per-request pipeline (see there why).
 */
@Injectable()
export class SerialVerificationResponder {
  constructor(
    private readonly verification: VerificationService,
    private readonly limiter: VerifyRateLimiter,
    private readonly config: AppConfig,
    private readonly assets: WebAssets,
  ) {}

  async answer(
    serial: string,
    lang: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    this.limiter.check(request.ip);
    const json = wantsJson(request);
    // The page names the course in the reader's language; the JSON keeps api.md's fields.
    const language = json ? undefined : pickLanguage(lang, request.headers['accept-language']);
    const result = await this.verification.bySerial(serial.slice(0, 100), language);
    const status = result.status === 'not_found' ? 404 : 200;
    void reply
      .header('Cache-Control', 'no-store')
      .header('Vary', 'Accept, Accept-Language')
      .header('X-Robots-Tag', 'noindex');
    if (json) {
      // The error half of a 404 is worded like every other error answer: in the caller's
      // language (Accept-Language, else English), by the one rule (localizeErrorBody).
      const body =
        status === 404
          ? {
              ...localizeErrorBody(
                {
                  statusCode: 404,
                  error: STATUS_TEXT[404],
                  code: 'NOT_FOUND',
                  message: 'No certificate has this serial',
                  details: {},
                },
                pickLanguage(undefined, request.headers['accept-language']),
              ),
              ...result,
            }
          : result;
      return reply.status(status).type('application/json; charset=utf-8').send(body);
    }
    const page = renderVerificationPage(result, language ?? 'en', {
      path: `/verify/${encodeURIComponent(serial)}`,
      // A scanned QR code brings a signed token in the fragment: the page checks it (issue 19).
      qrCheck: {
        script: this.assets.url('verify-qr.js'),
        jwksUrl: '/.well-known/jwks.json',
        issuer: `${this.config.publicBaseUrl}/issuer`,
      },
    });
    return reply.status(status).type('text/html; charset=utf-8').send(page);
  }
}

/** JSON unless the client prefers HTML (a browser); no Accept at all means a program. */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  if (!accept) return true;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}

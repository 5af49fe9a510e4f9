import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorators.js';
import { notFound } from '../common/errors.js';
import { LANGUAGES, pickLanguage } from './i18n.js';
import { inspectIconPng } from './inspect-icon.js';
import { inspectManifest, renderInspectShell } from './inspect-page.js';
import { WebAssets } from './web-assets.js';

/**
 * Everything the inspector's app needs to start with no connection, besides its pages: the
 * modules it imports (its own, the QR reader and camera by J1 and J4, the shared helpers it
 * reuses) and jsQR, which a phone without BarcodeDetector needs in the field. The service
 * worker keeps exactly these; a unit test checks every file in assets/inspect/ is listed.
 */
export const INSPECT_MODULES = [
  'inspect/app.js',
  'inspect/store.js',
  'inspect/sync.js',
  'inspect/status-list.js',
  'inspect/verdict.js',
  'inspect/qr-token.js',
  'inspect/scanner.js',
  'inspect/inspect.css',
  'vendor/jsqr.js',
  'api.js',
  'dom.js',
  'i18n.js',
  'message-format.js',
] as const;

/** Imported at start (jsQR and the stylesheet are not modules the page preloads). */
const PRELOADED = INSPECT_MODULES.filter((m) => m.endsWith('.js') && m !== 'vendor/jsqr.js');

const ICON_SIZES = [192, 512] as const;

/**
 * The inspector's offline app (issue 19): the page, its manifest, icons and service worker.
 * All public: they hold no data (the synced keys and lists come from /inspect/bundle.json, for
 * the accounts allowed to read it). The worker is served from /inspect/sw.js with
 * `Service-Worker-Allowed: /` so it may take scope `/` and answer a scanned
 * `/verify/{serial}#{token}` address offline with the app.
 */
@Controller('inspect')
export class InspectController {
  private readonly icons = new Map<string, Buffer>(
    ICON_SIZES.map((size) => [String(size), inspectIconPng(size)]),
  );

  constructor(private readonly assets: WebAssets) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  page(@Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const language = pickLanguage(lang, request.headers['accept-language']);
    const body = renderInspectShell({
      lang: language,
      assetsBase: this.assets.url(''),
      version: this.assets.version,
      preload: PRELOADED.filter((m) => m !== 'inspect/app.js').map((m) => this.assets.url(m)),
    });
    return reply
      .header('Cache-Control', 'no-cache')
      .header('Vary', 'Accept-Language')
      .type('text/html; charset=utf-8')
      .send(body);
  }

  @Get('manifest.webmanifest')
  @Public()
  @ApiExcludeEndpoint()
  manifest(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const language = pickLanguage(lang, request.headers['accept-language']);
    return reply
      .header('Cache-Control', 'no-cache')
      .header('Vary', 'Accept-Language')
      .type('application/manifest+json; charset=utf-8')
      .send(JSON.stringify(inspectManifest(language)));
  }

  @Get(ICON_SIZES.map((size) => `icon-${size}.png`))
  @Public()
  @ApiExcludeEndpoint()
  icon(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const size = /icon-(\d+)\.png$/.exec(request.url.split('?')[0])?.[1] ?? '';
    const png = this.icons.get(size);
    if (!png) throw notFound('Icon');
    return reply.header('Cache-Control', 'public, max-age=86400').type('image/png').send(png);
  }

  /**
   * The worker, with the list of what it keeps written in front of it: a new version of any
   * asset changes the worker's bytes, so browsers install the new one and drop the old cache.
   */
  @Get('sw.js')
  @Public()
  @ApiExcludeEndpoint()
  serviceWorker(@Res() reply: FastifyReply) {
    const worker = this.assets.get('inspect/sw.js');
    if (!worker) throw notFound('Service worker');
    const shell = {
      version: this.assets.version,
      languages: LANGUAGES,
      pages: LANGUAGES.map((l) => `/inspect?lang=${l}`),
      files: [
        ...LANGUAGES.map((l) => `/inspect/manifest.webmanifest?lang=${l}`),
        ...ICON_SIZES.map((s) => `/inspect/icon-${s}.png`),
        ...INSPECT_MODULES.filter((m) => this.assets.get(m)).map((m) => this.assets.url(m)),
      ],
    };
    const body = `const SHELL = ${JSON.stringify(shell)};\n${worker.body.toString('utf8')}`;
    return reply
      .header('Service-Worker-Allowed', '/')
      .header('Cache-Control', 'no-cache')
      .type('text/javascript; charset=utf-8')
      .send(body);
  }
}

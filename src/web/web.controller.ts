import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorators.js';
import { notFound } from '../common/errors.js';
import { html } from './html.js';
import { pickLanguage, t, type Lang } from './i18n.js';
import { renderPage } from './layout.js';
import { WebAssets } from './web-assets.js';
import { pageFor, WEB_PAGES, type WebPageId } from './web-pages.js';

// Every page imports these; preloading them saves round trips on a slow link.
const CORE_MODULES = ['main.js', 'api.js', 'dom.js', 'i18n.js', 'ui.js', 'forms.js', 'lookups.js'];
const ASSET_NAME = /^[a-z0-9-]+\.(?:js|css|svg)$/;
// inspect: the inspector's offline app (issue 19); vendor: third-party modules (jsQR).
const ASSET_DIR = /^(?:pages|i18n|inspect|vendor)$/;

/**
 * The web interface: one HTML shell per page (public, it holds no data) and the static
 * scripts that fill it from /api/v1 with the signed-in user's token.
 */
@Controller()
export class WebController {
  constructor(private readonly assets: WebAssets) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint()
  home(@Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.shell(reply, 'home', '/', pickLanguage(lang, request.headers['accept-language']));
  }

  /** Password recovery: the mailed links open these, so they live outside /app. */
  @Get('forgot-password')
  @Public()
  @ApiExcludeEndpoint()
  forgotPassword(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const language = pickLanguage(lang, request.headers['accept-language']);
    return this.shell(reply, 'forgot-password', '/forgot-password', language);
  }

  @Get('set-password')
  @Public()
  @ApiExcludeEndpoint()
  setPassword(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const language = pickLanguage(lang, request.headers['accept-language']);
    return this.shell(reply, 'set-password', '/set-password', language);
  }

  @Get('app/:section')
  @Public()
  @ApiExcludeEndpoint()
  section(
    @Param('section') section: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.page(reply, request, lang, [section]);
  }

  @Get('app/:section/:id')
  @Public()
  @ApiExcludeEndpoint()
  record(
    @Param('section') section: string,
    @Param('id') id: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.page(reply, request, lang, [section, id]);
  }

  @Get('app/:section/:id/:sub')
  @Public()
  @ApiExcludeEndpoint()
  recordPart(
    @Param('section') section: string,
    @Param('id') id: string,
    @Param('sub') sub: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.page(reply, request, lang, [section, id, sub]);
  }

  /**
   * The Center's icon: the SVG every page links, and the ICO that browsers and tools ask for on
   * their own. At fixed addresses, so the public pages need not know the assets' version.
   */
  @Get('favicon.svg')
  @Public()
  @ApiExcludeEndpoint()
  iconSvg(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.sendIcon(reply, request, 'favicon.svg');
  }

  @Get('favicon.ico')
  @Public()
  @ApiExcludeEndpoint()
  iconIco(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.sendIcon(reply, request, 'favicon.ico');
  }

  @Get('assets/:version/:name')
  @Public()
  @ApiExcludeEndpoint()
  asset(
    @Param('version') version: string,
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.sendAsset(reply, request, version, ASSET_NAME.test(name) ? name : null);
  }

  @Get('assets/:version/:dir/:name')
  @Public()
  @ApiExcludeEndpoint()
  nestedAsset(
    @Param('version') version: string,
    @Param('dir') dir: string,
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ok = ASSET_DIR.test(dir) && ASSET_NAME.test(name);
    return this.sendAsset(reply, request, version, ok ? `${dir}/${name}` : null);
  }

  private page(reply: FastifyReply, request: FastifyRequest, lang: unknown, segments: string[]) {
    const language = pickLanguage(lang, request.headers['accept-language']);
    const id = pageFor(segments);
    const path = `/app/${segments.map(encodeURIComponent).join('/')}`;
    if (!id) return this.notFound(reply, language);
    return this.shell(reply, id, path, language);
  }

  private shell(reply: FastifyReply, id: WebPageId, path: string, lang: Lang) {
    const page = WEB_PAGES[id];
    const a = (name: string) => this.assets.url(name);
    const body = renderPage({
      lang,
      title: `${t(lang, page.title)} · ${t(lang, 'app.name')}`,
      path,
      caption: t(lang, 'app.name'),
      main: html`<p class="loading" role="status">${t(lang, 'app.loading')}</p>
        <noscript><p class="notice notice--error">${t(lang, 'app.needsScript')}</p></noscript>`,
      app: {
        page: id,
        assetsBase: a(''),
        stylesheet: a('app.css'),
        script: a('main.js'),
        module: page.module,
        preload: [
          ...CORE_MODULES.filter((m) => m !== 'main.js').map(a),
          a(`i18n/${lang}.js`),
          a(`pages/${page.module}`),
        ],
        wide: 'wide' in page && page.wide,
      },
    });
    return reply
      .header('Cache-Control', 'no-cache')
      .header('Vary', 'Accept-Language')
      .type('text/html; charset=utf-8')
      .send(body);
  }

  private notFound(reply: FastifyReply, lang: Lang) {
    const body = renderPage({
      lang,
      title: t(lang, 'app.notFound'),
      path: '/',
      caption: t(lang, 'app.name'),
      main: html`<div class="card">
        <h1>${t(lang, 'app.notFound')}</h1>
        <p><a href="/?lang=${lang}">${t(lang, 'app.backHome')}</a></p>
      </div>`,
    });
    return reply.status(404).type('text/html; charset=utf-8').send(body);
  }

  private sendIcon(reply: FastifyReply, request: FastifyRequest, name: string) {
    const file = this.assets.get(name);
    if (!file) throw notFound('Asset');
    void reply.header('Cache-Control', 'public, max-age=86400').header('ETag', file.etag);
    if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.type(file.type).send(file.body);
  }

  private sendAsset(
    reply: FastifyReply,
    request: FastifyRequest,
    version: string,
    name: string | null,
  ) {
    const file = name === null ? undefined : this.assets.get(name);
    if (!file) throw notFound('Asset');
    // An old page may ask for an old version: it gets today's file, but must not cache it.
    const current = version === this.assets.version;
    void reply
      .header(
        'Cache-Control',
        current ? 'public, max-age=31536000, immutable' : 'no-cache, must-revalidate',
      )
      .header('ETag', file.etag);
    if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.type(file.type).send(file.body);
  }
}

import { html, trustedHtml } from './html.js';
import { languageSwitch } from './layout.js';
import { MESSAGES, t, type Lang } from './i18n.js';

/**
 * The inspector's offline app (/inspect, issue 19): its HTML shell and its web app manifest.
 *
 * The shell is its own small document rather than the signed-in pages' frame: the service
 * worker keeps it (one per language) and shows it with no connection, also for a scanned
 * `/verify/{serial}#{token}` address, so it must hold everything it needs to start: its
 * messages ride along as a JSON data block (not a script, so `script-src 'self'` is kept), and
 * its modules are listed for the worker to keep (inspect.controller.ts).
 */
export interface InspectShell {
  lang: Lang;
  /** /assets/<version>/ */
  assetsBase: string;
  version: string;
  /** The modules the entry imports at start, fetched in parallel. */
  preload: string[];
}

/** The messages the app uses: its own block, its title and the language switch's label. */
export function inspectMessages(lang: Lang): Record<string, string> {
  return Object.fromEntries(
    Object.entries(MESSAGES[lang]).filter(
      ([key]) => key.startsWith('inspect.') || key === 'nav.language' || key === 'page.inspect',
    ),
  );
}

/** JSON inside <script type="application/json">: `<` escaped, so no `</script>` can end it. */
function dataBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderInspectShell(shell: InspectShell): string {
  const { lang, assetsBase } = shell;
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <meta name="format-detection" content="telephone=no" />
        <meta name="theme-color" content="#111827" />
        <title>${t(lang, 'page.inspect')} · ${t(lang, 'app.name')}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/inspect/icon-192.png" />
        <link rel="manifest" href="/inspect/manifest.webmanifest?lang=${lang}" />
        <link rel="stylesheet" href="${assetsBase}inspect/inspect.css" />
        ${shell.preload.map((href) => html`<link rel="modulepreload" href="${href}" />`)}
        <script type="module" src="${assetsBase}inspect/app.js"></script>
        <script type="application/json" id="inspect-messages">
          ${trustedHtml(dataBlock(inspectMessages(lang)))}
        </script>
      </head>
      <body data-lang="${lang}" data-assets="${assetsBase}" data-version="${shell.version}">
        <header class="topbar">
          <span class="topbar__caption">${t(lang, 'page.inspect')}</span>
          ${languageSwitch(lang, '/inspect')}
        </header>
        <main id="main" tabindex="-1">
          <h1>${t(lang, 'page.inspect')}</h1>
          <p class="muted">${t(lang, 'inspect.intro')}</p>
          <noscript><p class="notice notice--error">${t(lang, 'app.needsScript')}</p></noscript>
        </main>
      </body>
    </html>`.value;
}

/** The web app manifest, named in the page's language. */
export function inspectManifest(lang: Lang): Record<string, unknown> {
  return {
    id: '/inspect',
    name: t(lang, 'inspect.appName'),
    short_name: t(lang, 'inspect.appShortName'),
    description: t(lang, 'inspect.intro'),
    lang,
    start_url: `/inspect?lang=${lang}`,
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#111827',
    theme_color: '#111827',
    icons: [192, 512].map((size) => ({
      src: `/inspect/icon-${size}.png`,
      sizes: `${size}x${size}`,
      type: 'image/png',
      purpose: 'any maskable',
    })),
  };
}

// Builds src/web/assets/favicon.ico from favicon.svg, for browsers and tools that ask for
// /favicon.ico without reading the page's <link rel="icon">. Run after changing the SVG:
//   node scripts/favicon-ico.mjs
// Chromium draws the SVG at each size; the ICO holds those PNGs (supported since Windows Vista
// and by every current browser).
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SIZES = [16, 32, 48];
const svg = readFileSync('src/web/assets/favicon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const pngs = [];
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const data = Buffer.from(svg).toString('base64');
    await page.setContent(
      `<style>*{margin:0}</style><img src="data:image/svg+xml;base64,${data}" width="${size}" height="${size}">`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    pngs.push(await page.screenshot({ omitBackground: true }));
    await page.close();
  }
} finally {
  await browser.close();
}

// ICONDIR, then one ICONDIRENTRY per image, then the images.
const header = Buffer.alloc(6 + 16 * pngs.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(pngs.length, 4);
let offset = header.length;
pngs.forEach((png, i) => {
  const entry = 6 + 16 * i;
  header.writeUInt8(SIZES[i] % 256, entry);
  header.writeUInt8(SIZES[i] % 256, entry + 1);
  header.writeUInt16LE(1, entry + 4);
  header.writeUInt16LE(32, entry + 6);
  header.writeUInt32LE(png.length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += png.length;
});
writeFileSync('src/web/assets/favicon.ico', Buffer.concat([header, ...pngs]));
console.log(`src/web/assets/favicon.ico: ${SIZES.join(', ')} px, ${offset} bytes`);

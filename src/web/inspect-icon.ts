import { deflateSync } from 'node:zlib';

/**
 * The inspector's app icon (192 and 512 pixels, as an installable web app needs), drawn here
 * rather than kept as binary files: a white check mark in a white ring on the Center's dark
 * blue, with the margins a "maskable" icon needs (phones crop it to a circle or a squircle).
 */
export function inspectIconPng(size: number): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  const c = size / 2;
  const ring = { r: size * 0.3, w: size * 0.035 };
  const stroke = size * 0.045;
  const check: [number, number][] = [
    [0.36, 0.51],
    [0.46, 0.61],
    [0.65, 0.41],
  ].map(([x, y]) => [x * size, y * size]);
  // Four samples a pixel smooth the edges.
  const samples = [0.25, 0.75];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let white = 0;
      for (const sy of samples)
        for (const sx of samples) {
          const px = x + sx;
          const py = y + sy;
          const onRing = Math.abs(Math.hypot(px - c, py - c) - ring.r) <= ring.w;
          const onCheck =
            segmentDistance(px, py, check[0], check[1]) <= stroke ||
            segmentDistance(px, py, check[1], check[2]) <= stroke;
          if (onRing || onCheck) white += 1;
        }
      const a = white / 4;
      const o = (y * size + x) * 4;
      // #1e3a8a blended towards white
      rgba[o] = Math.round(0x1e + (255 - 0x1e) * a);
      rgba[o + 1] = Math.round(0x3a + (255 - 0x3a) * a);
      rgba[o + 2] = Math.round(0x8a + (255 - 0x8a) * a);
      rgba[o + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

function segmentDistance(px: number, py: number, a: [number, number], b: [number, number]) {
  const [ax, ay] = a;
  const [bx, by] = b;
  const t = Math.max(
    0,
    Math.min(
      1,
      ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
    ),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

/** A PNG of 8-bit RGBA rows (filter 0), as the format's specification lays it out. */
function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++)
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

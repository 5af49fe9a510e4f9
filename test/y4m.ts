import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** A rectangle of an image, in pixels. */
export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Writes a Y4M video (what Chromium's fake camera plays with
 * `--use-file-for-fake-video-capture`) showing one PNG image, for `frames` frames: a text
 * header, then per frame "FRAME\n" and the raw planes of YUV 4:2:0 (a full-size Y plane, then
 * U and V at half width and height), in full range (C420jpeg: the JPEG/JFIF matrix). The
 * picture may be cropped first; its sides are cut to even numbers, as 4:2:0 halves them.
 * Chromium plays the file in a loop, so a few frames stand for a page held still.
 */
export function writeY4m(
  png: Buffer,
  path: string,
  options: { crop?: Crop; frames?: number } = {},
) {
  const image = PNG.sync.read(png);
  const crop = options.crop ?? { left: 0, top: 0, width: image.width, height: image.height };
  const left = Math.max(0, Math.round(crop.left));
  const top = Math.max(0, Math.round(crop.top));
  const width = Math.min(image.width - left, Math.round(crop.width)) & ~1;
  const height = Math.min(image.height - top, Math.round(crop.height)) & ~1;
  if (width < 2 || height < 2) throw new Error(`Nothing to show: crop ${JSON.stringify(crop)}`);

  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
  // RGB of a pixel, on white where the PNG is transparent (paper behind the print).
  const rgb = (col: number, row: number): [number, number, number] => {
    const at = ((top + row) * image.width + left + col) * 4;
    const alpha = image.data[at + 3] / 255;
    const over = (c: number) => c * alpha + 255 * (1 - alpha);
    return [over(image.data[at]), over(image.data[at + 1]), over(image.data[at + 2])];
  };
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const [r, g, b] = rgb(col, row);
      y[row * width + col] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  // Chroma: the mean of each 2×2 block.
  for (let row = 0; row < height / 2; row++) {
    for (let col = 0; col < width / 2; col++) {
      let cb = 0;
      let cr = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const [r, g, b] = rgb(col * 2 + dx, row * 2 + dy);
        cb += 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
        cr += 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
      }
      u[row * (width / 2) + col] = clamp(cb / 4);
      v[row * (width / 2) + col] = clamp(cr / 4);
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array<Buffer>(options.frames ?? 3).fill(frame)]));
  return { width, height };
}

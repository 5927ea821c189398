// Benign generated images (gradients, checkerboards, circles, stripes with an ordinary word) and
// near-duplicate variants of some, rendered with sharp so perceptual hashing has real work to do.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import type { ImageSpec, MediaItem } from './world.ts';

export interface MediaInfo { sha1: string; bytes: number; width: number; height: number }

/** Tiny LCG so shape placement depends only on the spec. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function svgFor(spec: ImageSpec): string {
  const { w, h, colors, params } = spec;
  const [c1, c2, c3] = colors;
  const [a = 8, angle = 0, count = 5, seed = 1] = params;
  const rnd = lcg(seed + 1);
  let body = '';
  switch (spec.pattern) {
    case 'gradient':
      body = `<defs><linearGradient id="g" gradientTransform="rotate(${angle % 90})"><stop offset="0" stop-color="${c1}"/><stop offset="0.5" stop-color="${c2}"/><stop offset="1" stop-color="${c3}"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>`;
      for (let i = 0; i < count; i++) body += `<rect x="${Math.floor(rnd() * w)}" y="${Math.floor(rnd() * h)}" width="${20 + Math.floor(rnd() * 80)}" height="${20 + Math.floor(rnd() * 80)}" fill="${c3}" opacity="0.6"/>`;
      break;
    case 'checker': {
      const cell = a * 4;
      body = `<defs><pattern id="p" width="${cell * 2}" height="${cell * 2}" patternUnits="userSpaceOnUse"><rect width="${cell * 2}" height="${cell * 2}" fill="${c1}"/><rect width="${cell}" height="${cell}" fill="${c2}"/><rect x="${cell}" y="${cell}" width="${cell}" height="${cell}" fill="${c2}"/></pattern></defs><rect width="${w}" height="${h}" fill="url(#p)"/><circle cx="${w / 2}" cy="${h / 2}" r="${Math.min(w, h) / 4}" fill="${c3}"/>`;
      break;
    }
    case 'circles':
      body = `<rect width="${w}" height="${h}" fill="${c1}"/>`;
      for (let i = 0; i < count + 3; i++) body += `<circle cx="${Math.floor(rnd() * w)}" cy="${Math.floor(rnd() * h)}" r="${10 + Math.floor(rnd() * w / 5)}" fill="${i % 2 ? c2 : c3}" opacity="0.8"/>`;
      break;
    default:
      body = `<rect width="${w}" height="${h}" fill="${c1}"/><g transform="rotate(${angle} ${w / 2} ${h / 2})">`;
      for (let x = -w; x < 2 * w; x += a * 6) body += `<rect x="${x}" y="${-h}" width="${a * 3}" height="${3 * h}" fill="${c2}"/>`;
      body += `</g><rect x="${w / 4}" y="${h / 4}" width="${w / 2}" height="${h / 2}" fill="${c3}" opacity="0.5"/>`;
  }
  const fs2 = Math.round(w / 8);
  body += `<text x="${w / 2}" y="${h / 2 + fs2 / 3}" font-family="DejaVu Sans, sans-serif" font-size="${fs2}" text-anchor="middle" fill="#ffffff" stroke="#222222" stroke-width="2">${spec.word}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`;
}

async function encode(img: Sharp, format: 'png' | 'jpeg', quality = 88): Promise<Buffer> {
  return format === 'png' ? img.png({ compressionLevel: 6 }).toBuffer() : img.jpeg({ quality }).toBuffer();
}

async function render(item: MediaItem): Promise<Buffer> {
  const svg = Buffer.from(svgFor(item.spec));
  const orig = item.variantOf;
  if (!orig || !item.transform) return encode(sharp(svg), item.format);
  // Variants start from the original's encoded bytes, as a re-share would.
  const base = await encode(sharp(svg), orig.format);
  const { w, h } = item.spec;
  switch (item.transform) {
    case 'resize': return encode(sharp(base).resize(Math.round(w * 0.75), Math.round(h * 0.75)), item.format, 82);
    case 'quality': return encode(sharp(base), 'jpeg', 55);
    case 'crop': {
      const dx = Math.round(w * 0.025), dy = Math.round(h * 0.025);
      return encode(sharp(base).extract({ left: dx, top: dy, width: w - 2 * dx, height: h - 2 * dy }), item.format);
    }
    default: return encode(sharp(base).flop(), item.format);
  }
}

/** Renders all items a few at a time; results are keyed by path so completion order never matters. */
export async function writeMedia(dir: string, items: readonly MediaItem[], onDone: (n: number) => void): Promise<Map<string, MediaInfo>> {
  sharp.cache(false);
  const info = new Map<string, MediaInfo>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as MediaItem;
      const buf = await render(item);
      const file = path.join(dir, item.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, buf);
      const meta = await sharp(buf).metadata();
      info.set(item.path, { sha1: createHash('sha1').update(buf).digest('hex'), bytes: buf.length, width: meta.width ?? 0, height: meta.height ?? 0 });
      onDone(++done);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return info;
}

// Renders the payment method logos (public/img/<name>.svg) as the PNGs the
// app shows (`image` on the payment URL's answer): Glide and Picasso on
// Android draw no SVG. Run after changing a logo: npx tsx scripts/logos.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const IMG = fileURLToPath(new URL('../public/img/', import.meta.url));

for (const name of ['stp', 'paycash']) {
  const svg = path.join(IMG, `${name}.svg`);
  const png = path.join(IMG, `${name}.png`);
  const info = await sharp(svg, { density: 192 }).resize({ height: 96 }).png({ compressionLevel: 9, palette: true }).toFile(png);
  console.log(`${png}: ${info.width}x${info.height}, ${info.size} bytes`);
}

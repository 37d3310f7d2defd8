// Real image files for the posting tests, made with sharp (the library the server decodes with),
// plus the hostile ones a decoder should never see: a bomb's header, a cut-short file.
import { deflateSync, crc32 } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/** A gradient, so the JPEG is not trivially small and a crop or rotation would show. */
async function gradient(width: number, height: number, channels: 3 | 4 = 3): Promise<Sharp> {
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 128;
      if (channels === 4) pixels[i + 3] = x < width / 2 ? 0 : 255; // left half transparent
    }
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

/** A phone-style JPEG: rotated by its EXIF orientation (6: turn 90° clockwise) and carrying a GPS position. */
export async function phoneJpeg(width = 2000, height = 1500): Promise<Buffer> {
  return (await gradient(width, height))
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "TestPhone", Model: "Likes 1" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export async function pngWithAlpha(width = 300, height = 200): Promise<Buffer> {
  return (await gradient(width, height, 4)).png().toBuffer();
}

export async function webp(width = 400, height = 400): Promise<Buffer> {
  return (await gradient(width, height)).webp().toBuffer();
}

/** A plain JPEG of the gradient. */
export async function jpeg(width = 64, height = 64): Promise<Buffer> {
  return (await gradient(width, height)).jpeg().toBuffer();
}

/** A GIF89a: a real image, but not a type the app takes. */
export async function gif(): Promise<Buffer> {
  return (await gradient(40, 40)).gif().toBuffer();
}

/**
 * A valid PNG whose header declares `width` x `height` pixels, with one row of data: a few
 * hundred bytes that would need gigabytes to decode. The server must refuse it from the header.
 */
export function pngBomb(width = 30_000, height = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1 + width * 3))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

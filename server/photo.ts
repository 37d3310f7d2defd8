// A posted photo, from the bytes someone sent to the JPEG we keep. Checked by content, never by
// the file's name or the type the browser claimed:
//   1. the first bytes must be a JPEG, PNG or WebP signature (anything else: 415);
//   2. the header must describe a sane picture (at most MAX_PIXELS; a tiny file that declares
//      a 50,000 x 50,000 image is a decompression bomb) and the whole image must decode (422);
//   3. it is re-encoded: turned upright by its EXIF orientation, scaled to fit OUTPUT_EDGE, and
//      written as a fresh JPEG with no metadata, so a phone's GPS position never leaves the server
//      and what nginx serves is a file we made, not one a stranger crafted.
// docs/decisions/018-photo-uploads.md says why JPEG out and why sharp (libvips).
import sharp, { type Metadata } from "sharp";
import { ApiError } from "./api-errors";
/** 40 megapixels: above any phone camera's photo, far below what would exhaust memory. */
const MAX_PIXELS = 40_000_000;
/** Smaller than this is not a photo anyone can see in the feed. */
const MIN_EDGE = 32;
/** The long edge of what is stored: the feed shows at most 1080 px, with room for 1.33x screens. */
const OUTPUT_EDGE = 1440;
const OUTPUT_QUALITY = 82;

export type PhotoType = "jpeg" | "png" | "webp";

/** What the content says the file is: a supported type, or a short description of what it is. */
export function sniffImageType(bytes: Uint8Array): { type: PhotoType } | { unsupported: string } {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (starts(0xff, 0xd8, 0xff)) return { type: "jpeg" };
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { type: "png" };
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return { type: "webp" };
  // Named, so the error can say what was sent instead.
  if (ascii(0, 4) === "GIF8") return { unsupported: "a GIF" };
  if (ascii(4, 8) === "ftyp")
    return {
      unsupported: /^(heic|heix|mif1|msf1|avif)/.test(ascii(8, 12))
        ? "a HEIC or AVIF image"
        : "a video or MP4-family file",
    };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { unsupported: "a PDF" };
  if (ascii(0, 256).trimStart().startsWith("<")) return { unsupported: "text (SVG, HTML or XML)" };
  if (bytes.length === 0) return { unsupported: "empty" };
  return { unsupported: "not an image we recognise" };
}

export type PreparedPhoto = { jpeg: Buffer; width: number; height: number; sourceType: PhotoType };

const notAPhoto = (what: string) =>
  new ApiError(415, "unsupported_media_type", `That file is ${what}. Post a JPEG, PNG or WebP photo.`);
const unreadable = (why: string) => new ApiError(422, "invalid_image", why);

export async function preparePhoto(bytes: Buffer): Promise<PreparedPhoto> {
  const sniffed = sniffImageType(bytes);
  if ("unsupported" in sniffed) throw notAPhoto(sniffed.unsupported);

  // The header alone (no pixels decoded yet): refuse what is too large or too small to be a photo
  // before spending memory on it.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable(
      `The file starts like a ${sniffed.type.toUpperCase()} but its header is damaged. Try exporting the photo again.`,
    );
  }
  if (meta.format !== sniffed.type) {
    throw unreadable(
      `The file starts like a ${sniffed.type.toUpperCase()} but does not read as one. Try exporting the photo again.`,
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_PIXELS) {
    throw unreadable(
      `The photo is ${width} x ${height} pixels; the most we take is ${MAX_PIXELS / 1_000_000} megapixels.`,
    );
  }
  if (width < MIN_EDGE || height < MIN_EDGE) {
    throw unreadable(`The photo is ${width} x ${height} pixels; it needs to be at least ${MIN_EDGE} x ${MIN_EDGE}.`);
  }

  try {
    // failOn "error": a truncated or corrupt image is refused rather than stored half-grey.
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: "error", animated: false })
      .autoOrient()
      .resize({ width: OUTPUT_EDGE, height: OUTPUT_EDGE, fit: "inside", withoutEnlargement: true })
      // Transparent PNG and WebP areas become white, not JPEG's black.
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: OUTPUT_QUALITY, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height, sourceType: sniffed.type };
  } catch {
    throw unreadable(
      `The ${sniffed.type.toUpperCase()} could not be read to the end: it may be cut short or damaged. Try exporting the photo again.`,
    );
  }
}

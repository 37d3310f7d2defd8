// The files of a built image, layer by layer, read from the engine's `docker save` archive
// (GET /images/{name}/get) without extracting anything: the archive is a tar of layer tars, and a
// tar is 512-byte headers each followed by its content, so each file is a byte range of one file.
import { closeSync, createWriteStream, openSync, readSync } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";
import type { EngineApi } from "./compose";

export type ArchiveEntry = { name: string; type: string; offset: number; size: number };

/** Reads the archive at `file` from byte `start` to `end`. */
class Range {
  constructor(
    private readonly fd: number,
    readonly start: number,
    readonly end: number,
  ) {}

  read(offset: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, this.start + offset + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  }
}

const text = (b: Buffer) => b.toString("utf8").replace(/\0.*$/s, "");

/** A header's size field: octal, or GNU base-256 (first byte 0x80) for files of 8 GiB and more. */
function size(field: Buffer): number {
  if (field[0]! & 0x80) return field.subarray(1).reduce((n, byte) => n * 256 + byte, 0);
  return parseInt(text(field).trim() || "0", 8);
}

/** Every entry of the tar in `range`, with its full name (ustar prefix, pax `path`, GNU long names). */
function entries(range: Range): ArchiveEntry[] {
  const list: ArchiveEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= range.end - range.start) {
    const header = range.read(offset, 512);
    if (header.every((b) => b === 0)) break; // the end-of-archive blocks
    const length = size(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 48); // "\0" is an old-style regular file
    const content = offset + 512;
    offset = content + Math.ceil(length / 512) * 512;
    if (type === "x" || type === "L") {
      const body = range.read(content, length).toString("utf8");
      longName = type === "L" ? text(Buffer.from(body)) : (/(?:^|\n)\d+ path=([^\n]*)\n/.exec(body)?.[1] ?? longName);
      continue;
    }
    if (type === "g") continue; // pax global header
    const prefix = text(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
    longName = undefined;
    list.push({
      name: name.replace(/^\.\//, ""),
      type: type === "0" ? "file" : type,
      offset: range.start + content,
      size: length,
    });
  }
  return list;
}

export type Layer = { id: string; files: ArchiveEntry[] };

/** A saved image: its layers (oldest first) and a way to read any file's content. */
export class SavedImage {
  private constructor(
    private readonly fd: number,
    readonly layers: Layer[],
  ) {}

  /** Saves `image` through the engine's API to `file` and indexes its layers. */
  static async save(api: EngineApi, image: string, file: string): Promise<SavedImage> {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { ...api.connection, method: "GET", path: `/images/${encodeURIComponent(image)}/get` },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET /images/${image}/get: ${res.statusCode}`));
            return;
          }
          pipeline(res, createWriteStream(file)).then(resolve, reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
    const fd = openSync(file, "r");
    const outer = new Range(fd, 0, Number.MAX_SAFE_INTEGER);
    const all = entries(outer);
    const manifestEntry = all.find((e) => e.name === "manifest.json");
    if (!manifestEntry) throw new Error(`${image}: the saved archive has no manifest.json`);
    const manifest = JSON.parse(outer.read(manifestEntry.offset, manifestEntry.size).toString("utf8")) as {
      Layers: string[];
    }[];
    const layers = manifest[0]!.Layers.map((layerName) => {
      const entry = all.find((e) => e.name === layerName.replace(/^\.\//, ""));
      if (!entry) throw new Error(`${image}: layer ${layerName} is not in the archive`);
      const range = new Range(fd, entry.offset, entry.offset + entry.size);
      const magic = range.read(0, 2);
      if (magic[0] === 0x1f && magic[1] === 0x8b) throw new Error(`${image}: layer ${layerName} is compressed`);
      return { id: layerName, files: entries(range) };
    });
    return new SavedImage(fd, layers);
  }

  /** A regular file's content. */
  read(entry: ArchiveEntry): Buffer {
    return new Range(this.fd, entry.offset, entry.offset + entry.size).read(0, entry.size);
  }

  close(): void {
    closeSync(this.fd);
  }
}

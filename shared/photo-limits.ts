// The photo rules both sides need: the server enforces them (server/photo.ts, server/posting.ts),
// the browser says "too large" before uploading. Constants only, like realtime-events.ts.
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTO_LABEL = "10 MB";
export const MAX_CAPTION_CHARS = 2200;
/** The file picker's filter. Only a hint: the server reads the content, not the name or type. */
export const PHOTO_ACCEPT = "image/jpeg,image/png,image/webp";

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// The wire formats of a like's journey, browser side (shared/journey.ts has the shared contract):
//   - the W3C Trace Context headers the like request carries: `traceparent` (a trace id of our own,
//     so the panel can follow the like before the server answers) and `tracestate`
//     `likes=click:<ms>` (the click hop, which only the browser can measure);
//   - what the response says back: `Server-Timing` (the hops the app measured) and
//     `traceresponse` (the trace id the server used: nginx replaces an invalid traceparent);
//   - the Socket.IO payloads, checked before the panel trusts them.
// Framework-free, so the unit tests exercise exactly what the browser runs.
import type { DeliveredJourney, HopId, HopTimings, JourneyHopsEvent } from "@/shared/journey";
import { JOURNEY_HOPS } from "@/shared/journey";

export type TraceIds = { traceId: string; spanId: string; traceparent: string };

/** Fills a buffer with random bytes: crypto.getRandomValues, or a stand-in in tests. */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

const defaultRandom: RandomFill = (bytes) => crypto.getRandomValues(bytes);

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** Random, never all zeros: the spec makes an all-zero id invalid, and nginx would replace it. */
function randomHexId(byteLength: number, random: RandomFill): string {
  for (;;) {
    const bytes = random(new Uint8Array(byteLength));
    if (bytes.some((b) => b !== 0)) return hex(bytes);
  }
}

/** A new trace for one like request, sampled (flags 01) so every hop records it. */
export function newTraceIds(random: RandomFill = defaultRandom): TraceIds {
  const traceId = randomHexId(16, random);
  const spanId = randomHexId(8, random);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The server accepts 0..60000 whole milliseconds and drops anything else. */
export const MAX_CLICK_MS = 60_000;

/** The click hop, clamped to what the server accepts, as a tracestate vendor entry. */
export function clickTracestate(clickMs: number): string {
  const ms = Number.isFinite(clickMs) ? Math.min(MAX_CLICK_MS, Math.max(0, Math.round(clickMs))) : 0;
  return `likes=click:${ms}`;
}

const TRACE_ID = /^[0-9a-f]{32}$/;

export function isTraceId(value: unknown): value is string {
  return typeof value === "string" && TRACE_ID.test(value) && value !== "0".repeat(32);
}

/** The trace id in a `traceresponse` (or `traceparent`) header, or null when it is not one. */
export function traceIdFromHeader(header: string | null | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/.exec(header?.trim() ?? "");
  return match && isTraceId(match[1]) ? match[1] : null;
}

/** Metric name -> duration in ms, for every metric with a usable `dur`. */
export type ServerTimings = Record<string, number>;

/**
 * Parses a Server-Timing header: `name;dur=1.5;desc="…", name2;dur=0.3`. Metrics without a
 * duration, or with a negative or non-numeric one, are left out; the first of a repeated name wins
 * (as in the browser's own PerformanceServerTiming).
 */
export function parseServerTiming(header: string | null | undefined): ServerTimings {
  const timings: ServerTimings = {};
  if (!header) return timings;
  for (const entry of splitOutsideQuotes(header, ",")) {
    const [rawName, ...params] = splitOutsideQuotes(entry, ";");
    const name = rawName?.trim();
    if (!name || name in timings) continue;
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "dur") continue;
      const value = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1");
      const ms = value === "" ? NaN : Number(value);
      if (Number.isFinite(ms) && ms >= 0) timings[name] = ms;
      break;
    }
  }
  return timings;
}

/** Splits on `separator` except inside double quotes (a desc="a, b" must not split an entry). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && quoted && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * The request hops as the browser knows them once the answer is in: the click it measured itself
 * and what Server-Timing reported. nginx is null when the app says nothing of it (no nginx in
 * front); the others are left out when missing, so a later event can still fill them.
 */
export function requestHops(clickMs: number, timings: ServerTimings): HopTimings {
  const hops: HopTimings = { click: Math.max(0, clickMs) };
  for (const hop of ["nginx", "route", "session", "postgres"] as const) {
    const ms = timings[hop];
    if (ms !== undefined) hops[hop] = ms;
  }
  if (hops.nginx === undefined && timings.app !== undefined) hops.nginx = null;
  return hops;
}

/**
 * Whether the server wrote an event for this like: it times the outbox hand-over (`enqueue`) only
 * when it did. Without one (the photo is the liker's own, or the like was already there), no
 * later hops will come. Undefined when the answer carried no Server-Timing to judge by.
 */
export function wroteEvent(timings: ServerTimings): boolean | undefined {
  if (timings.app === undefined) return undefined;
  return timings.enqueue !== undefined;
}

const HOP_IDS = new Set<string>(JOURNEY_HOPS.map((h) => h.id));

/** Hop times from the network: known hop ids only, each a finite number >= 0, or null. */
export function sanitizeHops(value: unknown): HopTimings {
  const hops: HopTimings = {};
  if (typeof value !== "object" || value === null) return hops;
  for (const [id, ms] of Object.entries(value)) {
    if (!HOP_IDS.has(id)) continue;
    if (ms === null) hops[id as HopId] = null;
    else if (typeof ms === "number" && Number.isFinite(ms)) hops[id as HopId] = Math.max(0, ms);
  }
  return hops;
}

/** A `journey:hops` event, or null when it is not one. */
export function parseJourneyHopsEvent(value: unknown): JourneyHopsEvent | null {
  const event = value as Partial<JourneyHopsEvent> | null;
  if (!isTraceId(event?.traceId) || typeof event.postId !== "string" || typeof event.liked !== "boolean") return null;
  return { traceId: event.traceId, postId: event.postId, liked: event.liked, hops: sanitizeHops(event.hops) };
}

/** The journey a `notification` (or `notification:retracted`) delivery carries, or null. */
export function parseDeliveredJourney(value: unknown): DeliveredJourney | null {
  const journey = value as Partial<DeliveredJourney> | null;
  if (!isTraceId(journey?.traceId) || typeof journey.emittedAt !== "number" || !Number.isFinite(journey.emittedAt))
    return null;
  return { traceId: journey.traceId, hops: sanitizeHops(journey.hops), emittedAt: journey.emittedAt };
}

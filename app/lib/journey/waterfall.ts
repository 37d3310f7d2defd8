// What the journey panel draws for one journey: a title, a status line, and one waterfall row per
// hop, in order, each starting where the hops before it end (the hops follow one another: the
// request's, then the event's), sized by its own time. A hop without a figure says why.
// Framework-free, so these words and numbers are unit-tested (tests/unit/journey-waterfall.test.ts).
import { hopNumber, JOURNEY_HOPS, type HopId } from "@/shared/journey";
import type { Journey } from "./store";

export type WaterfallRow = {
  id: HopId;
  /** 1 to 10, the hop's place in the journey (hopNumber). */
  number: number;
  label: string;
  does: string;
  file: string;
  /** Measured ms, or null with a note saying why there is none. */
  ms: number | null;
  note: string | null;
  /** No figure yet, and one is on its way (the bar shows a waiting mark). */
  waiting: boolean;
  /** Where its bar starts: the sum of the measured hops before it. */
  startMs: number;
};

export type Tone = "pending" | "done" | "quiet" | "error";

export type Waterfall = {
  title: string;
  status: { tone: Tone; text: string };
  rows: WaterfallRow[];
  /** The measured hops added up. */
  totalMs: number;
  /** Every hop has a figure. */
  complete: boolean;
};

const REQUEST_HOP_IDS: readonly HopId[] = ["nginx", "route", "session", "postgres"];
const WORKER_HOP_IDS: readonly HopId[] = ["outbox", "queue", "worker"];

const at = (name: string | null) => (name ? `@${name}` : null);

function title(journey: Journey, ownPhoto: boolean): string {
  const other = at(journey.counterpart);
  if (journey.side === "liker") {
    const verb = journey.liked ? "liked" : "unliked";
    if (ownPhoto) return `You ${verb} your own photo`;
    return other ? `You ${verb} ${other}'s photo` : `You ${verb} a photo`;
  }
  if (journey.liked) return `${other ?? "Someone"} liked your photo`;
  return other ? `${other} took back their like` : "A like on your photo was taken back";
}

/** Why a hop has no figure, from what the journey knows so far. */
function note(journey: Journey, id: HopId, ms: number | null | undefined, ownPhoto: boolean): string {
  const request = journey.request;
  const owner = at(journey.counterpart) ?? "the owner";
  if (id === "nginx" && ms === null) return "no nginx in front";
  if (ms === null) return "not measured on this path";
  if (journey.side === "owner") {
    if (id === "click") return "the liker's browser did not report it";
    if (id === "socket" || id === "render") return "measuring…";
    return "not reported";
  }
  if (request?.state === "failed") return "request failed";
  if (id === "click") return "clicked in another tab";
  if (REQUEST_HOP_IDS.includes(id)) return request?.state === "sending" ? "waiting for the answer" : "not reported";
  if (request?.state === "sending") return "after the answer";
  if (request?.state === "answered" && request.wroteEvent === false) {
    return ownPhoto ? "your own photo: no notification" : "nothing changed: no notification";
  }
  if (WORKER_HOP_IDS.includes(id)) return "waiting for the worker";
  return `waiting for ${owner}'s browser`;
}

function status(journey: Journey, complete: boolean, ownPhoto: boolean): { tone: Tone; text: string } {
  const request = journey.request;
  if (journey.side === "owner")
    return complete ? { tone: "done", text: "On your screen" } : { tone: "pending", text: "Arriving…" };
  if (request?.state === "failed") return { tone: "error", text: request.error };
  if (request?.state === "sending") return { tone: "pending", text: "Sending…" };
  if (request?.state === "answered" && request.wroteEvent === false) {
    return { tone: "quiet", text: ownPhoto ? "Your own photo: no notification" : "Nothing changed: no notification" };
  }
  if (complete) {
    const other = at(journey.counterpart);
    return { tone: "done", text: other ? `On ${other}'s screen` : "On the owner's screen" };
  }
  const waitingForWorker = WORKER_HOP_IDS.some(
    (id) => typeof journey.hops[id] !== "number" && journey.hops[id] !== null,
  );
  if (waitingForWorker) return { tone: "pending", text: "Waiting for the worker…" };
  return { tone: "pending", text: `Waiting for ${at(journey.counterpart) ?? "the owner"}'s browser…` };
}

/** `viewer`: the signed-in username, to tell a like of one's own photo (it notifies nobody). */
export function waterfall(journey: Journey, viewer: string | null): Waterfall {
  const ownPhoto = journey.side === "liker" && viewer !== null && journey.counterpart === viewer;
  const complete = JOURNEY_HOPS.every((hop) => typeof journey.hops[hop.id] === "number");
  const journeyStatus = status(journey, complete, ownPhoto);
  let startMs = 0;
  const rows = JOURNEY_HOPS.map((hop): WaterfallRow => {
    const value = journey.hops[hop.id];
    const ms = typeof value === "number" ? value : null;
    const row: WaterfallRow = {
      id: hop.id,
      number: hopNumber(hop.id),
      label: hop.label,
      does: hop.does,
      file: hop.file,
      ms,
      note: ms === null ? note(journey, hop.id, value, ownPhoto) : null,
      // A null is final (the server said it was not measured); a gap fills in while the journey runs.
      waiting: value === undefined && journeyStatus.tone === "pending",
      startMs,
    };
    startMs += ms ?? 0;
    return row;
  });
  return { title: title(journey, ownPhoto), status: journeyStatus, rows, totalMs: startMs, complete };
}

/** "0.42 ms", "4.2 ms", "42 ms", "1.24 s": about three significant figures. */
export function formatMs(ms: number): string {
  if (ms === 0) return "0 ms";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The figure as a data attribute: the measured number to the hundredth, or "" when there is none. */
export function msAttribute(ms: number | null): string {
  return ms === null ? "" : String(Math.round(ms * 100) / 100);
}

/** The first characters of a trace id, enough to tell journeys apart at a glance. */
export function shortTraceId(traceId: string): string {
  return traceId.slice(0, 8);
}

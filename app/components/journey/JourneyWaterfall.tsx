"use client";
// One like's journey as a waterfall, the way a browser's network panel draws a request: a row per
// hop, in order, its bar starting where the hops before it ended and as long as the hop took.
// Rows are a list a screen reader reads as "Hop 5 Postgres: like, count and outbox row in one
// statement, played by server/likes.ts, 3.2 ms"; the bars are decoration (aria-hidden).
import { useEffect, useId, useState } from "react";
import type { Journey } from "@/app/lib/journey/store";
import { formatMs, msAttribute, shortTraceId, waterfall, type WaterfallRow } from "@/app/lib/journey/waterfall";
import type { HopId } from "@/shared/journey";

/** Which part of the system plays a hop: its bar's colour. */
const HOP_KIND: Record<HopId, "browser" | "edge" | "app" | "db" | "jobs" | "realtime"> = {
  click: "browser",
  nginx: "edge",
  route: "app",
  session: "app",
  postgres: "db",
  outbox: "jobs",
  queue: "jobs",
  worker: "jobs",
  socket: "realtime",
  render: "browser",
};

export function JourneyWaterfall({ journey, viewer }: { journey: Journey; viewer: string | null }) {
  const view = waterfall(journey, viewer);
  const titleId = useId();
  // The scale: the whole journey so far; never zero, so a journey of one 0 ms hop still draws.
  const scaleMs = Math.max(view.totalMs, 1);
  const pending = view.status.tone === "pending";

  return (
    <article
      className="journey"
      data-testid="journey"
      data-trace-id={journey.traceId}
      data-side={journey.side}
      data-complete={view.complete}
      aria-labelledby={titleId}
    >
      <header className="journey__header">
        <span className="journey__side" data-side={journey.side}>
          {journey.side === "liker" ? "Sent" : "Received"}
        </span>
        <h3 id={titleId} className="journey__title">
          {view.title}
        </h3>
        <span className="journey__total" data-testid="journey-total">
          {formatMs(view.totalMs)}
          {!view.complete && view.totalMs > 0 && pending ? <span className="journey__so-far"> so far</span> : null}
        </span>
      </header>
      <div className="journey__meta">
        <span className="journey__status" data-tone={view.status.tone} role="status">
          {view.status.text}
        </span>
        <TraceId traceId={journey.traceId} />
      </div>
      <div className="journey__axis" aria-hidden="true">
        <span>0</span>
        <span>{formatMs(scaleMs / 2)}</span>
        <span>{formatMs(scaleMs)}</span>
      </div>
      <ol className="journey__hops">
        {view.rows.map((row) => (
          <HopRow key={row.id} row={row} scaleMs={scaleMs} />
        ))}
      </ol>
    </article>
  );
}

function HopRow({ row, scaleMs }: { row: WaterfallRow; scaleMs: number }) {
  const left = Math.min(100, (row.startMs / scaleMs) * 100);
  const width = row.ms === null ? 0 : Math.min(100 - left, (row.ms / scaleMs) * 100);
  return (
    <li
      className="hop"
      data-testid="journey-hop"
      data-hop={row.id}
      data-ms={msAttribute(row.ms)}
      data-kind={HOP_KIND[row.id]}
      data-measured={row.ms !== null}
    >
      <div className="hop__what">
        <span className="hop__number">
          <span className="visually-hidden">Hop </span>
          {row.number}
        </span>
        <span className="hop__text">
          <span className="hop__label">{row.label}</span>
          <span className="visually-hidden">: </span>
          <span className="hop__does">{row.does}</span>
          <span className="visually-hidden">, played by </span>
          <code className="hop__file">{breakableAtSlashes(row.file)}</code>
          <span className="visually-hidden">, </span>
        </span>
      </div>
      <div className="hop__track" aria-hidden="true">
        {row.ms !== null ? (
          <span className="hop__bar" style={{ left: `${left}%`, width: `${width}%` }} />
        ) : row.waiting ? (
          <span className="hop__bar hop__bar--waiting" style={{ left: `${Math.min(left, 96)}%` }} />
        ) : null}
      </div>
      <span className="hop__ms">
        {row.ms !== null ? (
          formatMs(row.ms)
        ) : (
          <>
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">not measured: </span>
            <span className="hop__note">{row.note}</span>
          </>
        )}
      </span>
    </li>
  );
}

/** A path that wraps after a slash rather than mid-name when the column is narrow. */
function breakableAtSlashes(path: string) {
  return path.split("/").map((part, i, parts) => (
    <span key={i}>
      {part}
      {i < parts.length - 1 ? (
        <>
          /<wbr />
        </>
      ) : null}
    </span>
  ));
}

/** The trace id, short; a click copies the whole id (to grep the logs with), the title shows it. */
function TraceId({ traceId }: { traceId: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = () => {
    // The clipboard API needs a secure context (HTTPS or localhost); elsewhere the title still shows it.
    navigator.clipboard?.writeText(traceId).then(
      () => setCopied(true),
      () => undefined,
    );
  };
  return (
    // Named by its visible text ("trace 4bf92f…") plus what a click does; the full id is in the title.
    <button type="button" className="journey__trace" title={`Trace ${traceId}: click to copy`} onClick={copy}>
      <span className="visually-hidden">Copy </span>trace <code>{shortTraceId(traceId)}…</code>
      <span className="journey__copied" aria-live="polite">
        {copied ? "copied" : ""}
      </span>
    </button>
  );
}

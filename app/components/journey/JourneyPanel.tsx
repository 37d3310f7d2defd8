"use client";
// The journey panel: for each like this user sends, and each one that reaches them, every hop it
// took with its measured time and the file that plays it (docs/architecture.md tells the same
// story in prose). Off by default; the header's button opens it, and the choice is remembered
// (app/lib/journey/preference.ts).
//
// Not a modal: liking photos with the panel open is the point, so it sits beside the feed on a
// wide screen and as a bottom sheet on a phone, and nothing traps focus. It is rendered into
// <body> because the header's backdrop-filter would otherwise become the containing block of a
// position: fixed panel and pin it inside the header.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import { useJourneyStore } from "@/app/lib/journey/context";
import { journeyPanelFlag } from "@/app/lib/journey/preference";
import type { Journey } from "@/app/lib/journey/store";
import { JourneyWaterfall } from "./JourneyWaterfall";
import { LineIcon } from "../icons";
import "./journey.css";

const PANEL_ID = "journey-panel";
const NO_JOURNEYS: readonly Journey[] = [];
const noSubscription = () => () => undefined;

/** The header's button and the panel it opens. `viewer`: the signed-in username. */
export function JourneyControl({ viewer }: { viewer: string }) {
  const [flag] = useState(journeyPanelFlag);
  // Closed on the server and while hydrating; the stored choice applies right after.
  const open = useSyncExternalStore(flag.subscribe, flag.get, () => false);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => flag.storageChanged(event.key);
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [flag]);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const close = () => {
    flag.set(false);
    toggleRef.current?.focus();
  };

  return (
    <>
      <button
        ref={toggleRef}
        type="button"
        className="icon-button journey-toggle"
        data-testid="journey-toggle"
        aria-expanded={open}
        aria-controls={open ? PANEL_ID : undefined}
        aria-label="Like journeys"
        title={open ? "Hide like journeys" : "Show like journeys: every hop of a like, timed"}
        onClick={() => flag.set(!open)}
      >
        <WaterfallIcon />
      </button>
      {open ? createPortal(<JourneyPanel viewer={viewer} onClose={close} />, document.body) : null}
    </>
  );
}

function JourneyPanel({ viewer, onClose }: { viewer: string; onClose: () => void }) {
  const store = useJourneyStore();
  const journeys = useSyncExternalStore(
    store?.subscribe ?? noSubscription,
    store?.getSnapshot ?? (() => NO_JOURNEYS),
    () => NO_JOURNEYS,
  );

  return (
    <section
      id={PANEL_ID}
      className="journey-panel"
      data-testid="journey-panel"
      aria-labelledby="journey-panel-title"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <header className="journey-panel__header">
        <div>
          <h2 id="journey-panel-title" className="journey-panel__title">
            Like journeys
          </h2>
          <p className="journey-panel__subtitle">Every hop from a click to the other screen, as measured</p>
        </div>
        <button type="button" className="journey-panel__close" aria-label="Close like journeys" onClick={onClose}>
          <svg
            width={16}
            height={16}
            viewBox="0 0 24 24"
            aria-hidden="true"
            focusable="false"
            fill="none"
            stroke="currentColor"
            strokeWidth={2}
            strokeLinecap="round"
          >
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      </header>
      {journeys.length === 0 ? (
        <div className="journey-panel__empty" data-testid="journey-empty">
          <WaterfallIcon size={36} />
          <p>
            <strong>No likes yet.</strong> Like a photo, or wait for someone to like yours, and follow it here hop by
            hop: your browser, nginx, the app, Postgres, the queue, the worker, Socket.IO and the other screen.
          </p>
        </div>
      ) : (
        <ol className="journey-panel__list">
          {journeys.map((journey) => (
            <li key={`${journey.side}:${journey.traceId}`}>
              <JourneyWaterfall journey={journey} viewer={viewer} />
            </li>
          ))}
        </ol>
      )}
      <p className="journey-panel__footnote">
        Times come from where each hop runs: your browser, nginx, the app and the worker; the last two from the
        receiving browser. The last ten journeys of this tab.
      </p>
    </section>
  );
}

/** Three staggered bars: a network panel's waterfall. */
function WaterfallIcon({ size = 22 }: { size?: number }) {
  return (
    <LineIcon size={size} strokeWidth={2.2} roundJoins={false}>
      <path d="M3.5 6.5h7" />
      <path d="M8 12h8" />
      <path d="M13.5 17.5h7" />
    </LineIcon>
  );
}

"use client";
// Where components and hooks find the tab's JourneyStore: RealtimeProvider creates it (the socket
// feeds it, bindJourney in ./socket.ts) and provides it here. Kept in app/lib so the like toggle's
// hook (app/lib/like-toggle.ts) can reach it without importing a component.
import { createContext, use } from "react";
import type { JourneyStore } from "./store";

export const JourneyStoreContext = createContext<JourneyStore | null>(null);

/** The tab's journeys, or null outside a signed-in page (nothing draws them there). */
export function useJourneyStore(): JourneyStore | null {
  return use(JourneyStoreContext);
}

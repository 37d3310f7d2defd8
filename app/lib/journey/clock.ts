// The socket hop runs across two clocks: the worker stamps its emit with the server's Date.now(),
// the owner's browser notes when the event arrived by its own. To subtract one from the other the
// browser estimates how far its clock is from the server's, the way NTP does: ask the server for
// its time (Socket.IO `clock`), and assume the answer was taken halfway through the round trip.
// The sample with the shortest round trip has the least room for error, so it is the one kept.
// Framework-free: RealtimeProvider sends the questions.

export type ClockSample = { offsetMs: number; roundTripMs: number };

/** One question and its answer: t0 when asked, t1 when answered (browser ms), serverNow meanwhile. */
export function clockSample(t0: number, serverNow: number, t1: number): ClockSample {
  return { offsetMs: serverNow - (t0 + t1) / 2, roundTripMs: Math.max(0, t1 - t0) };
}

export class ClockOffset {
  private best: ClockSample | null = null;

  /** Keeps the sample if its round trip is the shortest yet. */
  add(sample: ClockSample): void {
    if (!Number.isFinite(sample.offsetMs) || !Number.isFinite(sample.roundTripMs)) return;
    if (!this.best || sample.roundTripMs < this.best.roundTripMs) this.best = sample;
  }

  /** A new connection may reach another server (and its clock): start over. */
  reset(): void {
    this.best = null;
  }

  /** server clock - browser clock, in ms; 0 until a sample came (one machine's clocks agree). */
  get offsetMs(): number {
    return this.best?.offsetMs ?? 0;
  }

  get synced(): boolean {
    return this.best !== null;
  }

  /** Server-clock time now, from a browser-clock reading. */
  serverTime(browserNow: number): number {
    return browserNow + this.offsetMs;
  }
}

/**
 * The socket hop: from the worker's emit (server clock) to this browser receiving it (browser
 * clock, corrected). Never below zero: within the estimate's error a fast hop can come out
 * negative, and "less than the error" reads better as 0 than as time travel.
 */
export function socketHopMs(emittedAt: number, receivedAt: number, clock: Pick<ClockOffset, "serverTime">): number {
  return Math.max(0, clock.serverTime(receivedAt) - emittedAt);
}

// The journey layer's side of the tab's socket, in one call from RealtimeProvider: bindJourney.
//   connect                -> ask the server's clock (`clock`), to time the socket hop across two clocks
//   notification           -> the owner's side of a like's journey: the hops up to the worker came with
//   notification:retracted    the event; this browser adds the socket hop (hop 9) and the render hop
//                             (hop 10), shows them, and reports them (`journey:delivered`) so the
//                             server can relay them to the liker
//   journey:hops           -> more hops of a like this user sent (from this tab or another)
// Its `notification` and `notification:retracted` listeners must be registered after the
// notification center's (socket.io calls an event's listeners in registration order), so the
// center has applied the event, and its state change is what the render hop waits to see painted.
import type { Socket } from "socket.io-client";
import type { Notification, NotificationDelivery, NotificationRetraction } from "@/shared/api";
import type { ClockAnswer, DeliveredJourney, JourneyDeliveredReport } from "@/shared/journey";
import { REALTIME_EVENTS } from "@/shared/realtime-events";
import { isNotification } from "../notification-center";
import { ClockOffset, clockSample, socketHopMs } from "./clock";
import type { JourneyStore } from "./store";
import { parseDeliveredJourney, parseJourneyHopsEvent } from "./trace";

/** Clock questions per connection; the one with the shortest round trip is kept. */
const CLOCK_SAMPLES = 3;
const CLOCK_TIMEOUT_MS = 5000;
/** Who liked what, by notification id, for naming a retraction's journey (it carries only the id). */
const REMEMBERED_LIKERS = 200;

type Arrival = { at: number; wallAt: number };
type About = { liked: boolean; postId: string | null; actor: string | null };

/**
 * Feeds `journeys` from the socket; `center` tells it who liked what (the inbox items this tab
 * learns of). Returns the function that stops.
 */
export function bindJourney(
  socket: Socket,
  journeys: JourneyStore,
  center: { onNewItems(added: (items: Notification[]) => void): () => void },
): () => void {
  const clock = new ClockOffset();
  const likers = new RecentLikers(REMEMBERED_LIKERS);
  const stopRememberingLikers = center.onNewItems((items) => likers.remember(items));

  // Each connection may reach another server: ask its clock again.
  const syncClock = async () => {
    clock.reset();
    for (let i = 0; i < CLOCK_SAMPLES && socket.connected; i++) {
      const t0 = Date.now();
      try {
        const answer = (await socket
          .timeout(CLOCK_TIMEOUT_MS)
          .emitWithAck(REALTIME_EVENTS.clock)) as Partial<ClockAnswer> | null;
        if (typeof answer?.now === "number") clock.add(clockSample(t0, answer.now, Date.now()));
      } catch {
        return; // no answer in time: the socket hop falls back to comparing the clocks as they are
      }
    }
  };

  // The socket hop ends when the event reached this tab, not when the center had applied it:
  // socket.io calls catch-all listeners before an event's own, so this stamps every arrival first.
  let arrival: Arrival = { at: 0, wallAt: 0 };
  const stampArrival = () => {
    arrival = { at: performance.now(), wallAt: Date.now() };
  };

  /**
   * The socket hop (the worker's emit to the arrival, across the two clocks) and the render hop
   * (the arrival to the screen updated: the frame after React applied it), shown here and
   * reported once for the liker's panel.
   */
  const journeyArrived = (journey: DeliveredJourney, about: About, { at, wallAt }: Arrival) => {
    const { traceId } = journey;
    const socketMs = socketHopMs(journey.emittedAt, wallAt, clock);
    const isNew = journeys.delivered({
      traceId,
      liked: about.liked,
      postId: about.postId,
      counterpart: about.actor,
      hops: journey.hops,
    });
    if (!isNew) return; // a second copy of the event: the first one was measured
    journeys.measured(traceId, { socket: socketMs });
    afterNextPaint(() => {
      const render = performance.now() - at;
      journeys.measured(traceId, { render });
      const report: JourneyDeliveredReport = { traceId, socket: socketMs, render };
      socket.emit(REALTIME_EVENTS.journeyDelivered, report);
    });
  };

  const onNotification = (payload: unknown, delivery?: Partial<NotificationDelivery>) => {
    const arrived = arrival;
    if (!isNotification(payload)) return;
    likers.remember([payload]);
    const journey = parseDeliveredJourney(delivery?.journey);
    if (journey)
      journeyArrived(journey, { liked: true, postId: payload.post.id, actor: payload.actor.username }, arrived);
  };
  const onRetraction = (payload: Partial<NotificationRetraction> | null, delivery?: Partial<NotificationDelivery>) => {
    const arrived = arrival;
    if (typeof payload?.id !== "string") return;
    const about = likers.get(payload.id);
    const journey = parseDeliveredJourney(delivery?.journey);
    if (journey)
      journeyArrived(journey, { liked: false, postId: about?.postId ?? null, actor: about?.actor ?? null }, arrived);
  };
  const onJourneyHops = (payload: unknown) => {
    const event = parseJourneyHopsEvent(payload);
    if (event) journeys.hopsArrived(event);
  };
  const onConnect = () => void syncClock();

  socket.onAny(stampArrival);
  socket.on("connect", onConnect);
  socket.on(REALTIME_EVENTS.notification, onNotification);
  socket.on(REALTIME_EVENTS.retraction, onRetraction);
  socket.on(REALTIME_EVENTS.journeyHops, onJourneyHops);
  return () => {
    socket.offAny(stampArrival);
    socket.off("connect", onConnect);
    socket.off(REALTIME_EVENTS.notification, onNotification);
    socket.off(REALTIME_EVENTS.retraction, onRetraction);
    socket.off(REALTIME_EVENTS.journeyHops, onJourneyHops);
    stopRememberingLikers();
  };
}

/** Who liked what, for the last `capacity` notifications this tab heard of. */
export class RecentLikers {
  private readonly byId = new Map<string, { actor: string; postId: string }>();

  constructor(private readonly capacity: number) {}

  remember(items: Notification[]): void {
    for (const n of items) this.byId.set(n.id, { actor: n.actor.username, postId: n.post.id });
    for (const oldest of this.byId.keys()) {
      if (this.byId.size <= this.capacity) break;
      this.byId.delete(oldest);
    }
  }

  get(id: string): { actor: string; postId: string } | undefined {
    return this.byId.get(id);
  }
}

/**
 * Runs `fn` once the next frame has been painted: requestAnimationFrame fires just before the
 * paint, and a task queued from it runs just after. In a hidden tab frames wait until it is shown,
 * which is when the update really reaches the screen.
 */
function afterNextPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

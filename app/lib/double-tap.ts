// Tells a touch (or pen) double tap from two separate taps: two pointer releases close together in
// time and place. Mobile browsers do not all fire `dblclick` for a double tap; a mouse has it.

export type Tap = { time: number; x: number; y: number };

export const DOUBLE_TAP_MS = 300;
export const DOUBLE_TAP_SLOP_PX = 30;

export function isDoubleTap(previous: Tap | null, current: Tap): boolean {
  if (!previous) return false;
  const elapsed = current.time - previous.time;
  return (
    elapsed >= 0 &&
    elapsed <= DOUBLE_TAP_MS &&
    Math.hypot(current.x - previous.x, current.y - previous.y) <= DOUBLE_TAP_SLOP_PX
  );
}

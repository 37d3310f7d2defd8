// The Socket.IO event names, shared by the server (server/realtime.ts, the worker's emitter) and
// the browser (app/components/realtime, app/lib). Constants only, so importing them brings no
// server code into the client bundle. Payload types are in shared/api.ts.
export const REALTIME_EVENTS = {
  /** Server -> browser on connect: {"instance"}, the app instance the socket reached. */
  hello: "hello",
  /** Server -> browser: a new inbox item (Notification), then {"toast": boolean}. */
  notification: "notification",
  /** Server -> browser: {"id"}; the like behind that notification was undone, or its photo deleted. No toast. */
  retraction: "notification:retracted",
  /** Server -> browser: the server's Redis link came back; pushes may have been missed. */
  resync: "resync",
  /** Server -> browsers watching a post: {"postId","likeCount"} after a like or an unlike. */
  postLikes: "post:likes",
  /** Server -> every signed-in socket: NewPostEvent, someone posted a photo (the feed's "new posts" pill). */
  newPost: "post:new",
  /** Server -> every signed-in socket: PostDeletedEvent, its author deleted a photo (cards showing it go). */
  postDeleted: "post:deleted",
  /** Browser -> server: a post id to start / stop watching. */
  watchPost: "post:watch",
  unwatchPost: "post:unwatch",
  /** Server -> the liker's sockets: JourneyHopsEvent, more hops of a like they made (shared/journey.ts). */
  journeyHops: "journey:hops",
  /** Browser -> server: JourneyDeliveredReport, the owner's socket and render times for a trace. */
  journeyDelivered: "journey:delivered",
  /** Browser -> server, acknowledged with ClockAnswer: the server's clock, to time the socket hop. */
  clock: "clock",
} as const;

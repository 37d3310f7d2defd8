// One inbox row: every like on one of your photos, newest first.
import { actorsPhrase, type NotificationGroup } from "@/app/lib/group-notifications";
import { Avatar } from "../Avatar";
import { RelativeTime } from "../RelativeTime";

const STACKED_AVATARS = 3;

export function NotificationGroupItem({ group }: { group: NotificationGroup }) {
  const { lead, rest } = actorsPhrase(group.actors);
  return (
    <li
      className="notification-item"
      data-testid="notification-item"
      data-unread={group.unread}
      data-post-id={group.postId}
    >
      <span className="avatar-stack" data-count={Math.min(group.actors.length, STACKED_AVATARS)}>
        {group.actors.slice(0, STACKED_AVATARS).map((actor) => (
          <Avatar key={actor.id} user={actor} size={40} />
        ))}
      </span>
      <p className="notification-item__text">
        <strong>{lead}</strong>
        {rest && (
          <>
            {" and "}
            <strong>{rest}</strong>
          </>
        )}{" "}
        liked your photo.
        <RelativeTime iso={group.latestAt} className="notification-item__time" />
      </p>
      {group.unread && <span className="unread-dot" aria-label="Unread" role="img" />}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img className="notification-item__thumb" src={group.post.imageUrl} alt="" width={48} height={48} loading="lazy" />
    </li>
  );
}

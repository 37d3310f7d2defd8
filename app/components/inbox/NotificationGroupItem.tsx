// One inbox row: every like on one of your photos, newest first. The row opens the photo (its
// link stretches over the whole row); the names inside lead to each person's profile.
import Link from "next/link";
import { actorsPhrase, type NotificationGroup } from "@/app/lib/group-notifications";
import { postPath, profilePath } from "@/shared/routes";
import { Avatar } from "../Avatar";
import { RelativeTime } from "../RelativeTime";

const STACKED_AVATARS = 3;

export function NotificationGroupItem({
  group,
  onOpen,
}: {
  group: NotificationGroup;
  onOpen: (group: NotificationGroup) => void;
}) {
  const { lead, rest } = actorsPhrase(group.actors);
  const [first, second] = group.actors;
  return (
    <li
      className="notification-item"
      data-testid="notification-item"
      data-unread={group.unread}
      data-post-id={group.postId}
      data-actors={group.actors.map((a) => a.username).join(" ")}
    >
      <span className="avatar-stack" data-count={Math.min(group.actors.length, STACKED_AVATARS)}>
        {group.actors.slice(0, STACKED_AVATARS).map((actor) => (
          <Avatar key={actor.id} user={actor} size={40} />
        ))}
      </span>
      <p className="notification-item__text">
        {first ? (
          <Link href={profilePath(first.username)} className="notification-item__actor">
            {lead}
          </Link>
        ) : (
          <strong>{lead}</strong>
        )}
        {rest && (
          <>
            {" and "}
            {group.actors.length === 2 && second ? (
              <Link href={profilePath(second.username)} className="notification-item__actor">
                {rest}
              </Link>
            ) : (
              <strong>{rest}</strong>
            )}
          </>
        )}{" "}
        liked your photo.
        <RelativeTime iso={group.latestAt} className="notification-item__time" />
      </p>
      {group.unread && <span className="unread-dot" aria-label="Unread" role="img" />}
      <Link
        href={postPath(group.postId)}
        className="notification-item__open"
        data-testid="notification-open"
        aria-label={`Open the photo ${lead}${rest ? ` and ${rest}` : ""} liked`}
        onClick={() => onOpen(group)}
      >
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          className="notification-item__thumb"
          src={group.post.imageUrl}
          alt=""
          width={48}
          height={48}
          loading="lazy"
        />
      </Link>
    </li>
  );
}

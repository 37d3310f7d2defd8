// The top of a profile: who it is and what their photos have gathered.
import { formatCount } from "@/app/lib/format";
import type { UserSummary } from "@/shared/api";
import { Avatar } from "../Avatar";
import "../social.css";

type Props = { user: UserSummary; postCount: number; likesReceived: number };

export function ProfileHeader({ user, postCount, likesReceived }: Props) {
  return (
    <header className="profile-header" data-testid="profile-header" data-username={user.username}>
      <Avatar user={user} size={88} />
      <div className="profile-header__text">
        <h1 className="profile-header__name">{user.name}</h1>
        <p className="profile-header__username">@{user.username}</p>
        <ul className="profile-header__stats">
          <li data-testid="profile-post-count" data-count={postCount}>
            <strong>{formatCount(postCount)}</strong> {postCount === 1 ? "post" : "posts"}
          </li>
          <li data-testid="profile-likes-received" data-count={likesReceived}>
            <strong>{formatCount(likesReceived)}</strong> {likesReceived === 1 ? "like" : "likes"} received
          </li>
        </ul>
      </div>
    </header>
  );
}

// A user's round picture. Decorative by default: the name is always printed next to it.
import type { UserSummary } from "@/shared/api";

export function Avatar({
  user,
  size = 32,
  alt = "",
}: {
  user: Pick<UserSummary, "avatarUrl">;
  size?: number;
  alt?: string;
}) {
  // A plain <img>: avatars are small local SVGs, nothing for next/image to optimise.
  // eslint-disable-next-line @next/next/no-img-element
  return <img className="avatar" src={user.avatarUrl} alt={alt} width={size} height={size} decoding="async" />;
}

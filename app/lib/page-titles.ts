// Titles more than one place uses. The root layout's template adds " · Likes". A tab, a bookmark
// or a history entry should say what the page shows: whose photo, which person.

// The 404 page's title. Pages that call notFound() return it from their generateMetadata too:
// the title comes from the segment that threw, not from app/not-found.tsx.
export const NOT_FOUND_TITLE = "Page not found";

/** The error page's title (app/error.tsx, app/global-error.tsx). */
export const ERROR_TITLE = "Something went wrong";

/** A post's page: "@bob's photo". */
export function postTitle(author: { username: string }): string {
  return `@${author.username}'s photo`;
}

/** A profile: "Bob Okafor (@bob)". */
export function profileTitle(user: { name: string; username: string }): string {
  return `${user.name} (@${user.username})`;
}

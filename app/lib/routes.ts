// The app's page URLs in one place, so links and redirects cannot drift apart.

export const postPath = (postId: string) => `/p/${encodeURIComponent(postId)}`;

export const profilePath = (username: string) => `/u/${encodeURIComponent(username)}`;

export const NEW_POST_PATH = "/new";

// Titles more than one page uses. The root layout's template adds " · Likes".

// The 404 page's title. Pages that call notFound() return it from their generateMetadata too:
// the title comes from the segment that threw, not from app/not-found.tsx.
export const NOT_FOUND_TITLE = "Page not found";

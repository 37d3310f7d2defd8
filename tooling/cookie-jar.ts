// A browser's cookie jar for one site, as far as the API needs it: name → value, filled from the
// Set-Cookie headers of each answer and sent back as one Cookie header. Path, Domain and expiry
// are not kept: a client talks to the one origin it was made for.
export class CookieJar extends Map<string, string> {
  /** Takes in an answer's Set-Cookie headers; an empty value or Max-Age=0 removes the cookie. */
  remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /Max-Age=0/i.test(line)) this.delete(name);
      else this.set(name, value);
    }
  }

  /** The Cookie header for the next request. */
  header(): string {
    return [...this].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

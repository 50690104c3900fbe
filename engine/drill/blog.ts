import type { Article } from "./articles";
import { request, type Answer } from "./http";

/** Where a blog answers: the edge's address and HTTPS port, and the blog's host name (SNI and Host). */
export interface BlogAddress {
  address: string;
  port: number;
  host: string;
}

/** What a drill checked on the restored blog. */
export interface BlogCheck {
  /** Each published article of the backup, with the status its page answered (200 expected). */
  articles: { path: string; status: number }[];
  /** The admin logged in with the stack's password (PluXml answered its login form with a redirect to the admin). */
  adminLogin: boolean;
  /** Why the login failed, when it did. */
  loginProblem?: string;
}

const get = (b: BlogAddress, path: string, headers: Record<string, string> = {}) =>
  request("https", b.host, b.port, path, { address: b.address, headers });

/** The cookies an answer sets, as one Cookie header with the earlier ones. */
const keepCookies = (jar: Map<string, string>, a: Answer) => {
  for (const c of a.headers["set-cookie"] ?? []) {
    const pair = c.split(";")[0]!;
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
};

/**
 * Logs into PluXml's admin as a browser does: the admin page starts the session, the login form gives its
 * CSRF token, the form is posted; PluXml answers a good password with a redirect away from auth.php.
 */
export const adminLogin = async (b: BlogAddress, login: string, password: string): Promise<string | undefined> => {
  const jar = new Map<string, string>();
  const admin = await get(b, "/core/admin/");
  let cookie = keepCookies(jar, admin);
  const form = await get(b, "/core/admin/auth.php", cookie ? { Cookie: cookie } : {});
  cookie = keepCookies(jar, form);
  const token = /<input name="token" value="([A-Za-z0-9]+)" type="hidden" \/>/.exec(form.body)?.[1];
  if (!token) return `the login page answered ${form.status} without PluXml's login form`;
  const body = new URLSearchParams({ login, password, token }).toString();
  const posted = await request("https", b.host, b.port, "/core/admin/auth.php", {
    address: b.address,
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": String(Buffer.byteLength(body)),
      ...(cookie ? { Cookie: cookie } : {}),
    },
  });
  const to = String(posted.headers.location ?? "");
  if (posted.status === 302 && to !== "" && !to.includes("auth.php")) return undefined;
  return `PluXml refused the login of ${login} (answer ${posted.status}${to ? `, to ${to}` : ""})`;
};

/** Every article's page, then the admin's login. */
export const checkBlog = async (
  b: BlogAddress,
  articles: Article[],
  admin: { login: string; password: string },
): Promise<BlogCheck> => {
  const pages: BlogCheck["articles"] = [];
  for (const a of articles) {
    const status = await get(b, a.path).then(
      (r) => r.status,
      () => 0,
    );
    pages.push({ path: a.path, status });
  }
  const problem = await adminLogin(b, admin.login, admin.password).catch(
    (e: Error) => `the login failed: ${e.message}`,
  );
  return { articles: pages, adminLogin: problem === undefined, ...(problem ? { loginProblem: problem } : {}) };
};

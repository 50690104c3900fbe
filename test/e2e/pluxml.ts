import { createHash } from "node:crypto";
import { request, type Answer } from "./helpers";

/**
 * A small browser for PluXml: keeps its session cookie, reads the CSRF token PluXml puts in each
 * form (`<input name="token" value="…">`) and posts forms the way the admin's own pages do. Behind
 * Traefik every request carries X-Forwarded-Proto: https (`viaHttps`); without it the image sends
 * the admin to https.
 */
export class PluxmlBrowser {
  private cookies = new Map<string, string>();

  constructor(
    private readonly scheme: "http" | "https",
    private readonly host: string,
    private readonly port: number,
    private readonly viaHttps = true,
    /**
     * Where the requests go: loopback, or the address the stack listens on (the local Kubernetes node or a lab host).
     */
    private readonly address = "127.0.0.1",
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return {
      ...(this.viaHttps ? { "X-Forwarded-Proto": "https" } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
      ...extra,
    };
  }

  private keep(a: Answer): Answer {
    for (const c of a.headers["set-cookie"] ?? []) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return a;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.keep(
      await request(this.scheme, this.host, this.port, path, { headers: this.headers(headers), address: this.address }),
    );
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    const body = new URLSearchParams(fields).toString();
    return this.keep(
      await request(this.scheme, this.host, this.port, path, {
        address: this.address,
        method: "POST",
        body,
        headers: this.headers({
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": String(Buffer.byteLength(body)),
          ...headers,
        }),
      }),
    );
  }

  /**
   * GETs a page holding a form and POSTs `fields` with that form's CSRF token to the form's action, as a browser would.
   */
  async submit(
    formPath: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const page = await this.get(formPath);
    const token = csrfToken(page.body);
    if (!token) throw new Error(`no CSRF token in ${formPath} (status ${page.status})`);
    const action = /<form[^>]*\saction="([^"]*)"/.exec(page.body)?.[1]?.replace(/&amp;/g, "&") ?? formPath;
    const target = new URL(action, `http://${this.host}${formPath}`);
    return this.post(`${target.pathname}${target.search}`, { ...fields, token }, headers);
  }

  /**
   * Logs into core/admin/ as a visitor does: the admin sends to auth.php and starts the session (the
   * login page itself drops its Set-Cookie headers: PluXml's plxUtils::cleanHeaders), then the
   * login form. The answer to the POST: 302 to the admin on success.
   */
  async login(login: string, password: string): Promise<Answer> {
    await this.get("/core/admin/");
    return this.submit("/core/admin/auth.php", { login, password });
  }
}

/** The CSRF token of the first form in a PluXml page. */
export const csrfToken = (html: string): string | undefined =>
  /<input name="token" value="([A-Za-z0-9]+)" type="hidden" \/>/.exec(html)?.[1];

/** PluXml's password hash, as install.php and auth.php compute it: sha1(salt . md5(password)). */
export const pluxmlPasswordHash = (salt: string, password: string): string =>
  createHash("sha1")
    .update(salt + createHash("md5").update(password).digest("hex"))
    .digest("hex");

/** The fields of the first user in PluXml's users.xml. */
export const firstUser = (usersXml: string): Record<string, string> =>
  Object.fromEntries(
    [...usersXml.matchAll(/<(login|name|password|salt|email|lang)><!\[CDATA\[(.*?)\]\]><\/\1>/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

const decodeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/**
 * The values a browser would send for a form's fields as the page fills them: text and hidden
 * inputs, the selected option of each select, textareas. Buttons, checkboxes and files are left out.
 */
export const formFields = (html: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [, attrs] of html.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]+)"/.exec(attrs!)?.[1];
    const type = /\btype="([^"]+)"/.exec(attrs!)?.[1] ?? "text";
    if (!name || ["submit", "button", "checkbox", "radio", "file", "image", "reset"].includes(type)) continue;
    out[name] = decodeHtml(/\bvalue="([^"]*)"/.exec(attrs!)?.[1] ?? "");
  }
  for (const [, name, body] of html.matchAll(/<select\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected =
      /<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected/.exec(body!) ?? /<option\b[^>]*\bvalue="([^"]*)"/.exec(body!);
    if (selected) out[name!] = decodeHtml(selected[1]!);
  }
  for (const [, name, body] of html.matchAll(/<textarea\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[name!] = decodeHtml(body!);
  return out;
};

/**
 * Publishes an article through PluXml's own article form (core/admin/article.php), as the admin's
 * "Publish" button does: the form's own fields and CSRF token, a title, a body, no category. Needs a
 * logged-in browser. Answers PluXml's reply (302 to the saved article on success).
 */
export const publishArticle = async (b: PluxmlBrowser, title: string, content: string): Promise<Answer> => {
  const page = await b.get("/core/admin/article.php");
  const token = csrfToken(page.body);
  if (!token) throw new Error(`no CSRF token in core/admin/article.php (status ${page.status})`);
  const fields = { ...formFields(page.body), token, title, chapo: "", content, "catId[]": "000", publish: "Publish" };
  return b.post("/core/admin/article.php", fields);
};

import * as z from "zod";

/**
 * The grammar of every free-text value a recipe (or a stack value standing for it) may hold. Each
 * value that later crosses into another language (a shell, smtpd.conf, a Traefik rule, YAML, a
 * Docker or Kubernetes name) is held to a grammar here, at load time; the components escape it
 * again for their format (components/escape.ts) so neither layer relies on the other alone.
 */

const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
export const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`);
const NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
// A conservative address grammar: what every MTA, smtpd.conf table and Docker env accepts unquoted.
const MIXED_CASE_LABEL = LABEL.replace(/a-z/g, "A-Za-z");
const EMAIL = new RegExp(
  `^(?=.{3,254}$)[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@${MIXED_CASE_LABEL}(\\.${MIXED_CASE_LABEL})+$`,
);
// Kubernetes label grammar, which Docker labels also accept: [prefix/]name, value of at most 63 chars.
const LABEL_NAME = "[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?";
const LABEL_KEY = new RegExp(`^(${LABEL}(\\.${LABEL})*/)?${LABEL_NAME}$`);
const LABEL_VALUE = new RegExp(`^(${LABEL_NAME})?$`);
// Docker's image reference grammar (distribution/reference): [registry[:port]/]path[:tag][@digest].
const REF_DOMAIN =
  "([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(\\.([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(:[0-9]+)?";
const REF_PATH = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
const TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const IMAGE = new RegExp(`^(${REF_DOMAIN}/)?${REF_PATH}(/${REF_PATH})*(:${TAG})?(@${DIGEST})?$`);
const VERSION = new RegExp(`^${TAG}$`);
const POSIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const PATH_SEGMENT = "[A-Za-z0-9._~@+-]+";
const ABSOLUTE_PATH = new RegExp(`^(/${PATH_SEGMENT})+/?$`);
const URL_PATH = /^\/([A-Za-z0-9._~-]+\/?)*$/;
const SSH_KEY_TYPE = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp(256|384|521)",
  "sk-ssh-ed25519@openssh\\.com",
  "sk-ecdsa-sha2-nistp256@openssh\\.com",
].join("|");
const SSH_PUBLIC_KEY = new RegExp(`^(${SSH_KEY_TYPE}) [A-Za-z0-9+/]+={0,3}( [\\x20-\\x7e]{1,200})?$`);
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._%+@-]{0,127}$/;

/** The value of `key` in a value that may be a mapping (anything else has none). */
export const fieldOf = (v: unknown, key: string): unknown =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? Object.entries(v).find(([k]) => k === key)?.[1]
    : undefined;

/** A value shown in a message: quoted, control characters escaped, long values cut. */
export const show = (v: unknown): string => {
  const s = typeof v === "number" && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}…"` : s;
};

/**
 * Why a value of the host name grammar still cannot be a DNS host name, or undefined: an IP literal
 * (`192.0.2.10`, `999.1.1.1`) or a name whose top-level label is all digits (`blog.123`): no DNS
 * top-level domain is, and routes, certificates and SMTP banners need a name.
 */
export const hostnameProblem = (s: string): string | undefined => {
  if (!HOSTNAME.test(s)) return undefined;
  if (/^[0-9.]+$/.test(s))
    return (
      `${show(s)} is an IP address, not a host name (routes and certificates ` +
      "need a DNS name such as blog.example.org pointing at the nodes)"
    );
  const tld = s.slice(s.lastIndexOf(".") + 1);
  if (/^[0-9]+$/.test(tld))
    return (
      `${show(s)} ends in the all-numeric label ${show(tld)}, which ` +
      "no top-level domain is (expected e.g. blog.example.org)"
    );
  return undefined;
};

/** A host name taken apart once: its labels and its parent domain (blog.local.test → local.test). */
export interface ParsedHost {
  name: string;
  labels: readonly string[];
  /** The name without its first label; undefined for a name of one label. */
  parent: string | undefined;
}

/** Parses a host name the schema accepted (hostname()); anything else is refused with the reason. */
export const parseHost = (name: string): ParsedHost => {
  const why = HOSTNAME.test(name)
    ? hostnameProblem(name)
    : `${show(name)} is not a hostname (expected e.g. blog.example.org)`;
  if (why) throw new Error(why);
  const labels = name.split(".");
  return { name, labels, parent: labels.length > 1 ? labels.slice(1).join(".") : undefined };
};

/** A DNS host name such as blog.example.org (lower case, at least one dot, not an IP address). */
export const hostname = () =>
  z
    .string()
    .regex(HOSTNAME, {
      error: (iss) => `${show(iss.input)} is not a hostname (expected e.g. blog.example.org)`,
    })
    .refine((s) => hostnameProblem(s) === undefined, {
      error: (iss) => (typeof iss.input === "string" ? hostnameProblem(iss.input) : undefined) ?? "not a host name",
    });

/** A short DNS-label name used to derive physical names (Docker, Kubernetes, Scaleway). */
export const name = () =>
  z.string().regex(NAME, {
    error: (iss) =>
      `${show(iss.input)} is not a valid name (lower-case letters, digits ` +
      "and -, starting with a letter, at most 32 characters; e.g. relay)",
  });

export const email = () =>
  z.string().regex(EMAIL, {
    error: (iss) => `${show(iss.input)} is not an e-mail address (expected e.g. contact@example.org)`,
  });

export const port = () =>
  z
    .number({ error: (iss) => `expected a port number, got ${show(iss.input)}` })
    .int({ error: (iss) => `${show(iss.input)} is not a port number (1-65535)` })
    .min(1, { error: (iss) => `${show(iss.input)} is not a port number (1-65535)` })
    .max(65535, { error: (iss) => `${show(iss.input)} is not a port number (1-65535)` });

/** A whole number within realistic bounds: nothing a recipe says may allocate without limit. */
export const count = (min: number, max: number, what: string) =>
  z
    .number({ error: (iss) => `expected a whole number, got ${show(iss.input)}` })
    .int({ error: (iss) => `${show(iss.input)} is not a whole number` })
    .min(min, { error: (iss) => `${show(iss.input)} is too small: ${what} must be at least ${min}` })
    .max(max, { error: (iss) => `${show(iss.input)} is too large: ${what} must be at most ${max}` });

const SIZE = /^([1-9][0-9]{0,6})(Mi|Gi|Ti)$/;

export const parseSizeMiB = (s: string): number => {
  const m = SIZE.exec(s);
  if (!m) throw new Error(`${show(s)} is not a size`);
  const n = Number.parseInt(m[1]!, 10);
  return m[2] === "Ti" ? n * 1024 * 1024 : m[2] === "Gi" ? n * 1024 : n;
};

const sizeText = (mib: number) =>
  mib % (1024 * 1024) === 0 ? `${mib / 1024 / 1024}Ti` : mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;

/** Sizes are written like Docker and Kubernetes write them: 512Mi, 1Gi, 20Gi; at most `max`. */
export const size = (max: string) =>
  z
    .string()
    .regex(SIZE, { error: (iss) => `${show(iss.input)} is not a size (expected e.g. 512Mi or 1Gi)`, abort: true })
    .refine((s) => parseSizeMiB(s) <= parseSizeMiB(max), {
      error: (iss) => `${show(iss.input)} is too large (at most ${sizeText(parseSizeMiB(max))})`,
    });

const DURATION = /^([0-9]{1,8})(ms|s|m|h)$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export const parseDurationMs = (d: string): number => {
  const m = DURATION.exec(d);
  if (!m) throw new Error(`${show(d)} is not a duration`);
  return Number.parseInt(m[1]!, 10) * DURATION_MS[m[2] as keyof typeof DURATION_MS];
};

/** 10s, 500ms, 1m…: at most 24h; `positive` refuses 0 (health intervals and timeouts). */
export const duration = (positive = false) =>
  z
    .string()
    .regex(DURATION, {
      error: (iss) => `${show(iss.input)} is not a duration (expected e.g. 10s, 500ms or 1m)`,
      abort: true,
    })
    .refine((d) => parseDurationMs(d) <= 24 * 3_600_000, {
      error: (iss) => `${show(iss.input)} is too long (at most 24h)`,
      abort: true,
    })
    .refine((d) => !positive || parseDurationMs(d) > 0, {
      error: (iss) => `${show(iss.input)} must be longer than 0 (e.g. 10s)`,
    });

export const ipv4ToInt = (ip: string): number =>
  ip.split(".").reduce((acc, o) => acc * 256 + Number.parseInt(o, 10), 0);

/** An IPv4 network with no host bits set, e.g. 172.16.16.0/24. */
export const cidr = () =>
  z
    .string()
    .refine(
      (s) => {
        const [ip, bits, ...rest] = s.split("/");
        return rest.length === 0 && IPV4.test(ip ?? "") && /^([0-9]|[12][0-9]|3[0-2])$/.test(bits ?? "");
      },
      {
        error: (iss) => `${show(iss.input)} is not an IPv4 CIDR (expected e.g. 203.0.113.0/24 or 0.0.0.0/0)`,
        abort: true,
      },
    )
    .refine((s) => hostBits(s) === 0, {
      error: (iss) => `${show(iss.input)} has host bits set (the network is ${networkOf(String(iss.input))})`,
    });

const maskOf = (bits: number) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
const hostBits = (c: string) => {
  const [ip, bits] = c.split("/");
  return (ipv4ToInt(ip!) & ~maskOf(Number(bits))) >>> 0;
};
const intToIpv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
const networkOf = (c: string) => {
  const [ip, bits] = c.split("/");
  return `${intToIpv4((ipv4ToInt(ip!) & maskOf(Number(bits))) >>> 0)}/${bits}`;
};

/** The first and last address of a CIDR, as integers. */
export const cidrRange = (c: string): [number, number] => {
  const [ip, bits] = c.split("/");
  const start = (ipv4ToInt(ip!) & maskOf(Number(bits))) >>> 0;
  return [start, (start + 2 ** (32 - Number(bits)) - 1) >>> 0];
};

export const cidrsOverlap = (a: string, b: string): boolean => {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
};

/** An IPv4 address or a DNS name (a host recette reaches over SSH). */
export const address = () =>
  z.string().refine((s) => IPV4.test(s) || (DNS_NAME.test(s) && !/^[0-9.]+$/.test(s)), {
    error: (iss) =>
      `${show(iss.input)} is not an IPv4 address or host name (expected e.g. 192.0.2.10 or node-1.example.org)`,
  });

export const httpsUrl = () =>
  z.string().refine(
    (s) => {
      if (!/^https:\/\/[\x21-\x7e]+$/.test(s) || /[`"'<>\\{}|^]/.test(s)) return false;
      try {
        const u = new URL(s);
        return u.protocol === "https:" && u.username === "" && u.password === "" && HOSTNAME.test(u.hostname);
      } catch {
        return false;
      }
    },
    { error: (iss) => `${show(iss.input)} is not an https:// URL (expected e.g. https://acme.example.org/directory)` },
  );

/** Label keys as Kubernetes allows them (Docker accepts the same): [prefix/]name. */
export const labelKey = () =>
  z.string().regex(LABEL_KEY, {
    error: (iss) =>
      `${show(iss.input)} is not a label key (letters, digits, - _ . up to ` +
      "63 characters, optionally prefixed by a DNS name and /; e.g. disk)",
  });

export const labelValue = () =>
  z.string().regex(LABEL_VALUE, {
    error: (iss) =>
      `${show(iss.input)} is not a label value (letters, digits, - _ . up to ` +
      "63 characters, starting and ending with a letter or digit; e.g. ssd)",
  });

export const image = () =>
  z
    .string()
    .max(512, { error: "an image reference is at most 512 characters" })
    .regex(IMAGE, {
      error: (iss) =>
        `${show(iss.input)} is not an image reference (expected e.g. ` +
        "traefik/whoami:v1.10 or registry.example.org/team/app:1.2)",
    });

const REGISTRY = new RegExp(`^${REF_DOMAIN}(/${REF_PATH})*$`);

/** Where recette's images are pulled from: a registry host with an optional port and namespace. */
export const isRegistry = (s: string): boolean => s.length <= 255 && REGISTRY.test(s);

/** A version pin used as an image tag: Docker's tag grammar. */
export const isVersion = (s: string): boolean => VERSION.test(s);
export const version = () =>
  z.string().regex(VERSION, {
    error: (iss) => `${show(iss.input)} is not a version (letters, digits, . _ -, at most 128 characters; e.g. 5.8.21)`,
  });

export const posixUser = () =>
  z.string().regex(POSIX_USER, {
    error: (iss) =>
      `${show(iss.input)} is not a user name (lower-case letters, ` +
      "digits, _ and -, starting with a letter or _; e.g. root)",
  });

/** Paths a container must never mount a volume over: the Docker socket, the kernel's and the secrets' trees. */
const FORBIDDEN_MOUNTS = ["/var/run/docker.sock", "/run/docker.sock", "/run/secrets"];
const FORBIDDEN_TREES = ["/proc", "/sys", "/dev"];

export const absolutePath = () =>
  z
    .string()
    .refine(
      (s) =>
        s === "/" ||
        (s.length <= 1024 && ABSOLUTE_PATH.test(s) && !s.split("/").some((seg) => seg === "." || seg === "..")),
      {
        error: (iss) =>
          `${show(iss.input)} is not an absolute path (letters, ` +
          "digits and . _ ~ @ + - between slashes; e.g. /var/lib/app)",
        abort: true,
      },
    )
    .refine(
      (s) => {
        const p = s.replace(/\/$/, "");
        return (
          p !== "" && !FORBIDDEN_MOUNTS.includes(p) && !FORBIDDEN_TREES.some((t) => p === t || p.startsWith(`${t}/`))
        );
      },
      {
        error: (iss) =>
          `${show(iss.input)} cannot be mounted over (not /, the Docker socket, /run/secrets, /proc, /sys or /dev)`,
      },
    );

/**
 * A URL path prefix such as / or /api/v1: no query, no dot segments, nothing Traefik or Kubernetes would read twice.
 */
export const urlPath = () =>
  z
    .string()
    .refine((s) => s.length <= 256 && URL_PATH.test(s) && !s.split("/").some((seg) => seg === "." || seg === ".."), {
      error: (iss) =>
        `${show(iss.input)} is not a path (expected e.g. / or ` +
        "/api: letters, digits and . _ ~ - between single slashes)",
    });

export const sshPublicKey = () =>
  z.string().regex(SSH_PUBLIC_KEY, {
    error: (iss) => `${show(iss.input)} is not an SSH public key (expected one line: ssh-ed25519 AAAA… comment)`,
  });

/** A login name on an SMTP relay (an account, an address or a project id). */
export const login = () =>
  z.string().regex(LOGIN, {
    error: (iss) => `${show(iss.input)} is not a login (letters, digits and . _ % + @ -, no spaces or colons)`,
  });

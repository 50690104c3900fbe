import { z } from "zod";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const show = (v: unknown) => JSON.stringify(v);

/** A DNS host name such as blog.example.org (lower case, at least one dot). */
export const hostname = () =>
  z.string().regex(HOSTNAME, {
    error: (iss) => `${show(iss.input)} is not a hostname (expected e.g. blog.example.org)`,
  });

/** A short DNS-label name used to derive physical names (Docker, Kubernetes, Scaleway). */
export const name = () =>
  z.string().regex(NAME, {
    error: (iss) =>
      `${show(iss.input)} is not a valid name (lower-case letters, digits and -, starting with a letter, at most 32 characters; e.g. relay)`,
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

export const count = (min: number, what: string) =>
  z
    .number({ error: (iss) => `expected a whole number, got ${show(iss.input)}` })
    .int({ error: (iss) => `${show(iss.input)} is not a whole number` })
    .min(min, { error: (iss) => `${show(iss.input)} is too small: ${what} must be at least ${min}` });

/** Sizes are written like Docker and Kubernetes write them: 512Mi, 1Gi, 20Gi. */
export const size = () =>
  z.string().regex(/^[1-9][0-9]*(Mi|Gi)$/, {
    error: (iss) => `${show(iss.input)} is not a size (expected e.g. 512Mi or 1Gi)`,
  });

export const duration = () =>
  z.string().regex(/^[0-9]+(ms|s|m|h)$/, {
    error: (iss) => `${show(iss.input)} is not a duration (expected e.g. 10s, 500ms or 1m)`,
  });

export const cidr = () =>
  z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, {
    error: (iss) => `${show(iss.input)} is not an IPv4 CIDR (expected e.g. 203.0.113.0/24 or 0.0.0.0/0)`,
  });

export const address = () =>
  z.string().regex(/^((\d{1,3}\.){3}\d{1,3}|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/, {
    error: (iss) => `${show(iss.input)} is not an IPv4 address or host name (expected e.g. 192.0.2.10)`,
  });

export const httpsUrl = () =>
  z.string().regex(/^https:\/\/[^\s]+$/, {
    error: (iss) => `${show(iss.input)} is not an https:// URL`,
  });

export const parseSizeMiB = (s: string): number => {
  const n = Number.parseInt(s, 10);
  return s.endsWith("Gi") ? n * 1024 : n;
};

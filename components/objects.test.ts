import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stubTarget } from "../test/registrations";
import { OPENSMTPD_OBJECTS, opensmtpdWorkload, type OpensmtpdArgs } from "./opensmtpd";
import { PEBBLE_OBJECTS, pebbleWorkload } from "./pebble";
import { PLUXML_OBJECTS, pluxmlWorkload } from "./pluxml";
import { LETS_ENCRYPT, TRAEFIK_OBJECTS, traefikWorkload, type TraefikArgs } from "./traefik";
import type { Workload } from "./workload";
import { declaredShape, type WorkloadShape, workloadNames } from "./workload-names";

// Each component declares the objects its workload owns (components/<name>/objects.ts): the builder must
// make exactly those, for every option that adds one, or recipe validation would check other names.

const target = stubTarget();
const names = (w: WorkloadShape) => workloadNames(w).map((n) => `${n.of} ${n.logical}`);
/** Built and declared, as lists of names. */
const compare = (built: Workload, declared: WorkloadShape) => expect(names(built)).toEqual(names(declared));

const CA = fs.readFileSync(path.join(__dirname, "../test/fixtures/smarthost-ca.pem"), "utf8");
const smarthost = { host: "smtp.example.org", port: 587, tls: "starttls" as const, user: "u", password: "p" };
const relay = (over: Partial<OpensmtpdArgs>): OpensmtpdArgs => ({
  target,
  image: "recette/opensmtpd:6.8",
  recipient: "contact@example.org",
  delivery: "direct",
  ...over,
});
const traefik = (over: Partial<TraefikArgs>): TraefikArgs => ({
  target,
  image: "traefik:v3.3",
  email: "ops@example.org",
  caServer: LETS_ENCRYPT.staging,
  ...over,
});

describe("the objects each component declares", () => {
  it.each(["blog", "news"])("PluXml named %s", (name) => {
    const install = { adminName: "A", adminLogin: "a", adminEmail: "a@example.org", adminPassword: "s" };
    const built = pluxmlWorkload({ target, image: "x", host: "blog.example.org", install, name });
    compare(built, declaredShape(PLUXML_OBJECTS, {}, name));
  });

  it.each<[string, Partial<OpensmtpdArgs>]>([
    ["direct", {}],
    ["mailbox", { delivery: "mailbox", name: "mail" }],
    ["a smarthost", { delivery: "smarthost", smarthost }],
    ["a smarthost with its CA", { delivery: "smarthost", smarthost: { ...smarthost, caCertificate: CA } }],
    [
      "mailbox, published, with smarthost settings and CA",
      { delivery: "mailbox", publish: 2525, smarthost: { ...smarthost, caCertificate: CA } },
    ],
  ])("OpenSMTPD delivering %s", (_, over) => {
    const a = relay(over);
    compare(opensmtpdWorkload(a), declaredShape(OPENSMTPD_OBJECTS, a, a.name));
  });

  it.each<[string, Partial<TraefikArgs>]>([
    ["alone", {}],
    ["with a dashboard", { dashboard: { host: "traefik.example.org", users: "u:h" } }],
    ["trusting an ACME CA", { acmeCaCertificate: "PEM" }],
    ["with both", { dashboard: { host: "traefik.example.org", users: "u:h" }, acmeCaCertificate: "PEM" }],
  ])("Traefik %s", (_, over) => {
    const a = traefik(over);
    compare(traefikWorkload(a), declaredShape(TRAEFIK_OBJECTS, a));
  });

  it("Pebble", () => {
    compare(pebbleWorkload({ target, image: "pebble" }), declaredShape(PEBBLE_OBJECTS, {}));
  });

  it("names an OpenSMTPD object only when the settings create it", () => {
    const shape = (a: OpensmtpdArgs) => names(declaredShape(OPENSMTPD_OBJECTS, a, "relay"));
    expect(shape(relay({}))).not.toContain("volume relay-mail");
    expect(shape(relay({ delivery: "mailbox" }))).toContain("volume relay-mail");
    expect(shape(relay({ delivery: "smarthost", smarthost }))).toContain("secret relay-smtpd-credentials");
    expect(shape(relay({ delivery: "smarthost", smarthost }))).not.toContain("file relay-smarthost-ca-pem");
  });
});

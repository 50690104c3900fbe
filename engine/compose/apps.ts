import type * as pulumi from "@pulumi/pulumi";
import { opensmtpdImage, pebbleImage, pluxmlImage, traefikImage } from "../../components/images";
import { Opensmtpd } from "../../components/opensmtpd";
import { Pebble } from "../../components/pebble";
import { Pluxml } from "../../components/pluxml";
import { Service } from "../../components/service";
import { resolveCaServer, Traefik } from "../../components/traefik";
import type { ClusterNode } from "../../components/node";
import { siteUrl } from "../../components/naming";
import type { Workload, WorkloadTarget } from "../../components/workload";
import { type Model, type OpensmtpdModel, type ServiceModel, usesPebble } from "../model";
import { DRILL_PREFIX, prefixedHost } from "../model/derive";
import { parseSizeMiB } from "../schema";
import type { StackContext } from "./context";

const common = (s: {
  replicas: number;
  update: Workload["update"];
  placement: Workload["placement"];
  resources: { cpus?: number; memory?: string; reserveMemory?: string };
}) => ({
  replicas: s.replicas,
  update: s.update,
  placement: s.placement,
  resources: {
    ...(s.resources.cpus ? { cpus: s.resources.cpus } : {}),
    ...(s.resources.memory ? { memoryMiB: parseSizeMiB(s.resources.memory) } : {}),
    ...(s.resources.reserveMemory ? { reserveMemoryMiB: parseSizeMiB(s.resources.reserveMemory) } : {}),
  },
});

/** The recipe's `service` entry as a Workload. */
export const serviceWorkload = (
  s: ServiceModel,
  ctx: StackContext,
): Partial<Workload> & Pick<Workload, "name" | "image"> => {
  const firstPort = s.routes[0]?.port;
  return {
    name: s.name,
    image: s.image,
    ...(s.command ? { args: s.command } : {}),
    env: s.env,
    secrets: Object.entries(s.secrets).map(([name, ref]) => ({
      name,
      path: `/run/secrets/${name}`,
      content: ctx.resolve.secret(ref),
    })),
    volumes: s.volumes.map((v) => ({ name: v.name, path: v.path, sizeMiB: parseSizeMiB(v.size), keep: v.keep })),
    routes: s.routes,
    published: s.ports,
    ports: [...new Set(s.routes.map((r) => r.port))],
    ...(s.health
      ? {
          health: {
            ...(s.health.http && firstPort ? { http: { path: s.health.http, port: firstPort } } : {}),
            ...(s.health.command ? { command: s.health.command } : {}),
            interval: s.health.interval,
            timeout: s.health.timeout,
            retries: s.health.retries,
            startPeriod: s.health.startPeriod,
          },
        }
      : {}),
    ...(s.autoscale ? { autoscale: s.autoscale } : {}),
    ...common(s),
  };
};

const relayArgs = (s: OpensmtpdModel, ctx: StackContext) => ({
  name: s.name,
  image: opensmtpdImage({ registry: ctx.imageRegistry }),
  recipient: s.deliverTo,
  delivery: s.delivery,
  ...(s.smarthost
    ? {
        smarthost: {
          host: s.smarthost.host,
          port: s.smarthost.port,
          tls: s.smarthost.tls,
          user: s.smarthost.user,
          password: ctx.resolve.secret(s.smarthost.password),
          ...(s.smarthost.caCertificate ? { caCertificate: s.smarthost.caCertificate } : {}),
        },
      }
    : {}),
  ...(s.publish ? { publish: s.publish } : {}),
  ...(s.domain ? { hostname: s.domain } : {}),
  replicas: s.replicas,
  placement: s.placement,
});

/** Creates the edge router and every app of the recipe on a target. Keys are recipe names, never indexes. */
export const composeApps = (
  model: Model,
  target: WorkloadTarget,
  ctx: StackContext,
  parent: pulumi.Resource,
): { urls: string[] } => {
  const opts = { parent };
  const relays = new Map<string, { host: string }>();
  for (const app of model.apps) {
    if (app.kind !== "opensmtpd") continue;
    const relay = new Opensmtpd(app.name, { target, ...relayArgs(app.spec, ctx) }, opts);
    relays.set(app.name, { host: relay.host });
  }
  const urls: string[] = [];
  const httpsPort = model.edge?.traefik?.ports.https;
  for (const app of model.apps) {
    if (app.kind === "pluxml") {
      const p = app.spec;
      const relay = p.mail ? relays.get(p.mail) : undefined;
      const blog = new Pluxml(
        p.name,
        {
          target,
          image: pluxmlImage({ registry: ctx.imageRegistry }, p.version),
          name: p.name,
          host: p.host,
          ...(httpsPort !== undefined ? { httpsPort } : {}),
          install: {
            title: p.title,
            locale: p.locale,
            timezone: p.timezone,
            adminName: p.admin.name,
            adminLogin: p.admin.login,
            adminEmail: p.admin.email,
            adminPassword: ctx.resolve.secret(p.admin.password),
            sampleContent: p.sampleContent,
          },
          ...(relay ? { relayHost: relay.host } : {}),
          dataSizeMiB: parseSizeMiB(p.dataSize),
          ...common(p),
        },
        opts,
      );
      urls.push(blog.url);
    }
    if (app.kind === "service") {
      new Service(app.name, { target, workload: serviceWorkload(app.spec, ctx) }, opts);
      urls.push(...app.spec.routes.map((r) => siteUrl(r.host, r.path, httpsPort)));
    }
  }
  return { urls };
};

/** Traefik (and, for the pebble CA, the local Pebble it trusts). */
export const composeEdge = (
  model: Model,
  target: WorkloadTarget,
  ctx: StackContext,
  manager: ClusterNode,
  parent: pulumi.Resource,
): Traefik | undefined => {
  const t = model.edge?.traefik;
  if (!t) return undefined;
  const pebble = usesPebble(t)
    ? new Pebble("pebble", { target, image: pebbleImage({ registry: ctx.imageRegistry }), manager }, { parent })
    : undefined;
  // A drill's scratch stack (recette drill) routes drill.<host> through this Traefik: Pebble finds those too.
  const hosts = model.routedHosts.flatMap((h) => {
    const drill = prefixedHost(DRILL_PREFIX, h.name);
    return "host" in drill ? [h.name, drill.host] : [h.name];
  });
  return new Traefik(
    "traefik",
    {
      target,
      image: traefikImage({ registry: ctx.imageRegistry }, t.version),
      email: t.acme.email,
      caServer: resolveCaServer(t.acme.ca, ctx.isProd, pebble?.directory),
      challenge: t.acme.challenge,
      minTls: t.minTls,
      ports: t.ports,
      replicas: t.replicas,
      ...(t.dashboard ? { dashboard: { host: t.dashboard.host, users: ctx.resolve.secret(t.dashboard.users) } } : {}),
      // With the local CA, Pebble must find Traefik under every routed host name to validate HTTP-01.
      // Pebble resolves them through Docker's DNS, which learns a new task's aliases seconds after it starts:
      // Traefik, which asks only once, waits before each validation.
      ...(pebble
        ? { aliases: [...new Set(hosts)].sort(), acmeCaCertificate: pebble.caCertificate, challengeDelay: "10s" }
        : {}),
    },
    { parent, ...(pebble ? { dependsOn: [pebble] } : {}) },
  );
};

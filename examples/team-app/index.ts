// Another team's Pulumi program: its own project and state, recette's shared edge read from the
// recette stack's outputs (docs/reuse.md), its own service behind that stack's Traefik.
// Only the names recette exports are used: the outputs contract and the package's components.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { physicalName, stackLabels } from "recette/components/naming";
import { renderRule, toLabelList } from "recette/components/swarm";

const config = new pulumi.Config();
const shared = new pulumi.StackReference(config.require("recetteStack"));
const edge = shared.requireOutput("edge") as pulumi.Output<{
  orchestrator: string;
  network: string;
  label: { name: string; value: string };
  entrypoint: string;
  certResolver: string;
  domain: string;
}>;

const naming = { project: pulumi.getProject(), stack: pulumi.getStack(), recipe: "team-app" };
const name = physicalName(naming, "hello");
// The recette stack's Docker endpoint is a secret output; so is this provider's host.
const provider = new docker.Provider("shared-swarm", {
  host: shared.requireOutput("dockerHost") as pulumi.Output<string>,
});
// Attach by network ID (the provider reads attachments back by ID).
const network = docker.getNetworkOutput({ name: edge.network }, { provider });
const host = edge.domain.apply((d) => `hello.${d}`);

const labels = pulumi.all([edge, host]).apply(([e, h]) =>
  toLabelList({
    ...stackLabels(naming),
    // The shared Traefik routes only its stack's services and those asking for its edge.
    [e.label.name]: e.label.value,
    "traefik.enable": "true",
    "traefik.swarm.network": e.network,
    [`traefik.http.routers.${name}.rule`]: renderRule({ host: h, path: "/", port: 8080 }),
    [`traefik.http.routers.${name}.entrypoints`]: e.entrypoint,
    [`traefik.http.routers.${name}.tls.certresolver`]: e.certResolver,
    [`traefik.http.routers.${name}.service`]: name,
    [`traefik.http.services.${name}.loadbalancer.server.port`]: "8080",
  }),
);

const service = new docker.Service(
  "hello",
  {
    name,
    labels,
    taskSpec: {
      containerSpec: {
        image: config.require("image"),
        // Traefik's binary as a tiny web server: GET /ping answers 200 "OK" on port 8080.
        args: ["--entrypoints.web.address=:8080", "--ping=true", "--ping.entrypoint=web"],
      },
      networksAdvanceds: [{ id: network.id }],
    },
    // The shared stack's Traefik finds the service by its labels on the shared network; no port is published.
    endpointSpec: { mode: "dnsrr" },
  },
  { provider, deleteBeforeReplace: true },
);

export const url = pulumi.interpolate`https://${host}/ping`;
export const serviceName = service.name;

import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { type Workload } from "../workload";
export declare const DOCKER_SOCKET = "/var/run/docker.sock";
/** What the target resolved for one workload: physical names of its network, volumes, configs, secrets. */
export interface ServiceContext {
    serviceName: string;
    /** The stack network's name (Traefik's `traefik.swarm.network` label). */
    networkName: pulumi.Input<string>;
    /**
     * The stack network's ID. The Docker provider reads attachments back by ID (its `name` is
     * deprecated): by name, every refresh would plan a replacement of every service.
     */
    networkId: pulumi.Input<string>;
    /** The routing mesh is usable (IPVS present): vip endpoints and ingress publishing. */
    mesh: pulumi.Input<boolean>;
    labels: Record<string, string>;
    /**
     * The image reference the service runs (the workload's, pinned to a digest by the Target).
     * Defaults to the workload's.
     */
    image?: pulumi.Input<string>;
    /** Each kept or scratch volume, with the labels its engine gives it (recette backup finds volumes by them). */
    volumes: {
        source: string;
        target: string;
        labels: Record<string, string>;
    }[];
    configs: {
        id: pulumi.Input<string>;
        name: pulumi.Input<string>;
        path: string;
        mode: number;
    }[];
    secrets: {
        id: pulumi.Input<string>;
        name: pulumi.Input<string>;
        path: string;
        mode: number;
    }[];
    /**
     * Another stack's edge this stack's routes go through (a derived stack: a restore drill, a preview
     * environment): routed services also join that stack's network, Traefik reaches them there, and they carry
     * its edge label. Defaults to the stack's own network and Traefik.
     */
    edge?: SharedEdge;
}
/** A stack's Traefik as another stack uses it: the network it watches and the label it routes. */
export interface SharedEdge {
    networkName: pulumi.Input<string>;
    networkId: pulumi.Input<string>;
    label: pulumi.Input<{
        name: string;
        value: string;
    }>;
}
/** How often Traefik's Swarm provider lists the tasks (its refreshSeconds). */
export declare const TRAEFIK_REFRESH_SECONDS = 2;
/**
 * Seconds a stopping task of a start-first routed service keeps serving (RECETTE_DRAIN_SECONDS):
 * Traefik drops a task once Swarm marks it for shutdown, but only at its next listing plus its
 * providers' throttle (2 s); until then it still sends requests there. Without it the lab's
 * start-first update lost requests (a 502, then a 5 s timeout once the task's address was gone).
 * recette's PluXml image honours the variable; docs/recipe.md tells how another image can.
 */
export declare const DRAIN_SECONDS: number;
/**
 * The environment a task gets: the workload's, plus the drain period when a start-first update must not lose
 * requests.
 */
export declare const renderEnv: (w: Workload) => Record<string, pulumi.Input<string>>;
/** Swarm constraints from the workload's placement (the article's "affinities"). */
export declare const renderConstraints: (w: Workload) => string[];
/**
 * The exec form: Docker runs curl with these arguments and no shell, so nothing in the path can end
 * the command or mask its exit status. `--globoff` keeps curl from expanding `{}`/`[]` in the URL.
 */
export declare const renderHealthcheck: (w: Workload) => {
    tests: string[];
    interval: string;
    timeout: string;
    retries: number;
    startPeriod: string;
} | undefined;
/** Published ports: host mode keeps client addresses and is the only mode that works without IPVS. */
export declare const renderEndpointSpec: (w: Workload, mesh: boolean) => {
    mode: string;
    ports: {
        targetPort: number;
        publishedPort: number;
        protocol: "tcp" | "udp";
        publishMode: string;
    }[];
};
/** The complete docker.Service arguments for a workload: the mapping tests assert on. */
export declare const renderServiceSpec: (w: Workload, ctx: ServiceContext) => docker.ServiceArgs;

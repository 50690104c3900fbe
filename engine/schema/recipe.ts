import * as z from "zod";
import { App } from "./apps";
import { Edge } from "./edge";
import { name } from "./formats";
import { Nodes } from "./nodes";
import { Orchestrator } from "./orchestrator";

/** The recipe: what an environment contains. Written once here; types, JSON Schema and docs derive from it. */
export const Recipe = z
  .object({
    name: name().describe("Recipe name; recorded on every object as the recette.recipe label."),
    description: z.string().max(4096).optional().describe("Free text (at most 4096 characters)."),
    nodes: Nodes,
    orchestrator: Orchestrator,
    edge: Edge.optional(),
    apps: z.array(App).max(50).default([]).describe("Workloads, each the same on Swarm and k3s."),
  })
  .strict()
  .describe("A recette recipe: one environment's nodes, orchestrator, edge router and apps.");

export type Recipe = z.infer<typeof Recipe>;
export type RecipeInput = z.input<typeof Recipe>;

import * as z from "zod";
import { Recipe } from "./recipe";

let cached: Record<string, unknown> | undefined;

/** The recipe's JSON Schema, generated from the zod schema (the input side: defaults are optional). */
export const recipeJsonSchema = (): Record<string, unknown> => {
  cached ??= {
    ...(z.toJSONSchema(Recipe, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Record<
      string,
      unknown
    >),
    $id: "https://recette.dev/recipe.schema.json",
    title: "recette recipe",
  };
  return cached;
};

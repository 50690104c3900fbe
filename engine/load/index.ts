export { loadRecipe, parseRecipe, type Loaded } from "./load";
export { formatProblem, RecipeError, type Problem } from "./problem";

/** A problem recette explains itself (no stack file, the engine's build failed, a missing SSH key). */
export class StackError extends Error {
  override readonly name = "StackError";
}

/**
 * By name, not instanceof: the workspace module is loaded on use (`await import`), and under tsx that
 * can be a second copy of this module whose class is another object.
 */
export const isStackError = (e: unknown): e is StackError => e instanceof Error && e.name === "StackError";

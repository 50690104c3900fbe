/** A problem recette explains itself (no stack file, the engine's build failed, a missing SSH key). */
export class StackError extends Error {}

// Moved to engine/stack/name.ts; this re-export keeps branches written against the old path compiling
// until they are merged. Import from "./stack/name" in new code.
export * from "./stack/name";

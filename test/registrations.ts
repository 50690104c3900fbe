import { expect } from "vitest";
import type { Registration } from "../engine/render";

/** Registrations of one resource type. */
export const byType = (regs: Registration[], type: string): Registration[] => regs.filter((r) => r.type === type);

/** The single registration of a type and name; fails the test when there are none or several. */
export const one = (regs: Registration[], type: string, name: string): Registration => {
  const found = regs.filter((r) => r.type === type && r.name === name);
  expect(found, `${type}::${name}`).toHaveLength(1);
  return found[0]!;
};

import type { ArgProblem } from "../problems";
/** A smarthost delivery needs the smarthost's settings. */
export declare const validateRelayDelivery: (a: {
    delivery: "smarthost" | "direct" | "mailbox";
    smarthost?: unknown;
}) => ArgProblem[];

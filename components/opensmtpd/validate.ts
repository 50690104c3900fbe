import type { ArgProblem } from "../problems";

/** A smarthost delivery needs the smarthost's settings. */
export const validateRelayDelivery = (a: {
  delivery: "smarthost" | "direct" | "mailbox";
  smarthost?: unknown;
}): ArgProblem[] =>
  a.delivery === "smarthost" && !a.smarthost
    ? [
        {
          propertyPath: "delivery",
          reason:
            "delivery smarthost needs a smarthost block (host, port, user, " +
            "password: { secret: key }), or set delivery: direct | mailbox",
        },
      ]
    : [];

import * as z from "zod";

/** A value read from the stack's configuration (`recette config set KEY VALUE`). */
export const ConfigRef = z
  .object({
    config: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: "a stack config key is letters, digits, - and _ (e.g. acmeEmail)" })
      .describe("Name of a key in the stack's configuration (stacks/Pulumi.<stack>.yaml)."),
  })
  .strict()
  .describe("A value taken from the stack configuration, so it can differ per environment.");

/** A secret read from the stack's configuration (`recette config set --secret KEY VALUE`). */
export const SecretRef = z
  .object({
    secret: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
        error: "a stack config key is letters, digits, - and _ (e.g. smtpPassword)",
      })
      .describe("Name of a secret key in the stack's configuration, set with `recette config set --secret`."),
  })
  .strict()
  .describe("A secret taken from the stack configuration. Secrets are never written in a recipe.");

export type ConfigRef = z.infer<typeof ConfigRef>;
export type SecretRef = z.infer<typeof SecretRef>;

/** A literal string, or a `{ config: key }` reference. */
export const text = (what: string) => z.union([z.string().min(1), ConfigRef]).describe(what);

/**
 * A secret field: only `{ secret: key }` is accepted. A literal string is refused with the fix,
 * because a recipe is committed to git and must never carry a secret.
 */
export const secret = (what: string) =>
  z
    .object(
      { secret: SecretRef.shape.secret },
      {
        error: (iss) =>
          typeof iss.input === "string"
            ? "a literal secret is not allowed in a recipe (write { secret: " +
              "<key> } and run `recette config set --secret <key> <value>`)"
            : "expected { secret: <stack config key> }",
      },
    )
    .strict()
    .describe(what);

export const isConfigRef = (v: unknown): v is ConfigRef => typeof v === "object" && v !== null && "config" in v;

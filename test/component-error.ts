import * as pulumi from "@pulumi/pulumi";

/**
 * What a component throws for arguments that cannot work (components/problems.ts): Pulumi's
 * InputPropertiesError with its whole message and every problem's path and reason, for `toThrow`.
 */
export const componentError = (message: string, errors: pulumi.InputPropertyErrorDetails[]): Error =>
  new pulumi.InputPropertiesError({ message, errors });

import * as pulumi from "@pulumi/pulumi";

/**
 * A component argument that cannot work, with the argument's path and the reason: the shape of Pulumi's
 * own `InputPropertyErrorDetails`. Components collect every one of them and throw them together (see
 * argumentsError); recipe validation runs the same checks on the recipe and maps the path to a position in
 * the recipe file, so each rule is written once, in the component that needs it (pulumi-eks collects its
 * node group problems the same way before raising InputPropertiesError).
 */
export interface ArgProblem extends pulumi.InputPropertyErrorDetails {
  /** Path inside the component's arguments, e.g. "replicas" or "nodes". */
  propertyPath: string;
  reason: string;
}

/**
 * The error a component constructor throws for its arguments' problems, every one of them: Pulumi's
 * `InputPropertiesError`, so a caller reads each problem's path and reason from `errors`, and its message
 * names the component and lists them (`<type> <name>: <path>: <reason>; …`).
 */
export const argumentsError = (type: string, name: string, problems: ArgProblem[]): pulumi.InputPropertiesError =>
  new pulumi.InputPropertiesError({
    message: `${type} ${name}: ${problems.map((p) => `${p.propertyPath}: ${p.reason}`).join("; ")}`,
    errors: problems.map(({ propertyPath, reason }) => ({ propertyPath, reason })),
  });

import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

/*
 * The Kubernetes v1.32 schema checks the artifact tests share:
 * - unknown fields: walked against the models generated from the Kubernetes v1.32 OpenAPI spec
 *   (@kubernetes/client-node 1.0.0; the k3s pin is v1.32), so a misspelt or misplaced field fails;
 * - types, formats and required fields: kubernetes-models' validators (generated from the same spec).
 */

type AttributeMap = { name: string; baseName: string; type: string }[];
type Model = { getAttributeTypeMap(): AttributeMap };
const registry = models as unknown as Record<string, Model | undefined>;

const PRIMITIVES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString", "RawExtension"]);

/** Paths of every field the schema does not know, walking model by model. */
export const unknownFields = (value: unknown, type: string, at: string): string[] => {
  if (value === null || value === undefined || PRIMITIVES.has(type)) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value)
      ? value.flatMap((v, i) => unknownFields(v, array[1]!, `${at}[${i}]`))
      : [`${at}: expected a list`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as object).flatMap(([k, v]) => unknownFields(v, map[1]!, `${at}.${k}`));
  const model = registry[type];
  if (!model) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object (${type})`];
  const known = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    known.has(k) ? unknownFields(v, known.get(k)!, `${at}.${k}`) : [`${at}.${k}: unknown field in ${type}`],
  );
};

/** apps/v1 Deployment → V1Deployment; autoscaling/v2 HorizontalPodAutoscaler → V2HorizontalPodAutoscaler. */
export const modelName = (apiVersion: string, kind: string) => {
  const version = apiVersion.split("/").pop()!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
};

/** The model of a kind, when the schema knows it. */
export const modelOf = (apiVersion: string, kind: string): Model | undefined => registry[modelName(apiVersion, kind)];

/** Throws when kubernetes-models' validator refuses the object (types, formats, required fields). */
export const validateObject = async (doc: Record<string, unknown>): Promise<void> => {
  const mod = (await import(`kubernetes-models/${String(doc.apiVersion)}`)) as Record<
    string,
    new (
      o: unknown,
    ) => { validate(): void }
  >;
  const Kind = mod[String(doc.kind)];
  if (!Kind) throw new Error(`kubernetes-models has no ${String(doc.apiVersion)} ${String(doc.kind)}`);
  new Kind(doc).validate();
};

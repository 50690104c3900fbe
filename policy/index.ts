// recette's CrossGuard policy pack: `pulumi preview --policy-pack policy` (recette preview and
// recette drift pass it for every stack). The rules are in rules.ts, the policies in policies.ts.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("recette", { policies });

import type { CommandDef } from "../define";
import { backup } from "./backup";
import { completion } from "./completion";
import { config } from "./config";
import { destroy } from "./destroy";
import { drift } from "./drift";
import { drill } from "./drill";
import { env } from "./env";
import { explain } from "./explain";
import { graph } from "./graph";
import { history } from "./history";
import { images } from "./images";
import { init } from "./init";
import { logs } from "./logs";
import { node } from "./node";
import { outputs } from "./outputs";
import { preview } from "./preview";
import { refresh } from "./refresh";
import { render } from "./render";
import { restore } from "./restore";
import { rollback } from "./rollback";
import { schema } from "./schema";
import { stackInfo } from "./stack-info";
import { status } from "./status";
import { up } from "./up";
import { validate } from "./validate";

/**
 * Every command, in the order `recette --help` lists them. A new command is a definition file here
 * (name, summary, options, examples, a lazy `load`) and one line in this list.
 */
export const COMMANDS: readonly CommandDef[] = [
  init,
  validate,
  explain,
  render,
  graph,
  config,
  up,
  rollback,
  history,
  preview,
  refresh,
  drift,
  destroy,
  outputs,
  status,
  logs,
  node,
  backup,
  restore,
  drill,
  env,
  images,
  stackInfo,
  schema,
  completion,
];

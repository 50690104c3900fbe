export { DATA_PATH, Pluxml, pluxmlWorkload, type PluxmlArgs } from "./pluxml";

export { ADMIN_PASSWORD_PATH, DATA_PATH, installEnv, Pluxml, pluxmlWorkload, type PluxmlArgs, type PluxmlInstall, } from "./pluxml";
export { PLUXML_OBJECTS } from "./objects";

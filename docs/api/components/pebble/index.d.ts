export { Pebble, pebbleDirectory, pebbleWorkload, renderWaitHealthy, type PebbleArgs } from "./pebble";
export { PEBBLE_OBJECTS } from "./objects";

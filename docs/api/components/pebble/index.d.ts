export { Pebble, pebbleDirectory, pebbleWorkload, renderWaitHealthy, type PebbleArgs } from "./pebble";

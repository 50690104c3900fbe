export { Pebble, pebbleDirectory, pebbleWorkload, type PebbleArgs } from "./pebble";

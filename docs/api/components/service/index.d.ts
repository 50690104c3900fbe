export { Service, type ServiceArgs } from "./service";

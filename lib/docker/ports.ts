import { configError } from "../core/errors.ts";

/** Where published ports listen on the Docker host by default: only this machine reaches them. */
export const DEFAULT_HOST_IP = "127.0.0.1";

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;

/** Throws a ConfigError naming `field` unless `port` is a TCP port (1-65535). */
export function checkHostPort(field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw configError(field, port, "use a TCP port from 1 to 65535");
}

/** Throws a ConfigError naming `field` unless `ip` is an IPv4 address such as 127.0.0.1 or 0.0.0.0. */
export function checkHostIp(field: string, ip: string): void {
  if (!IPV4.test(ip)) throw configError(field, ip, `use an IPv4 address of the Docker host, e.g. ${DEFAULT_HOST_IP} (this machine only) or 0.0.0.0 (every interface)`);
}

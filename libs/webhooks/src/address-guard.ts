import { validationFailed } from '#common';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local (cloud metadata among them), shared, multicast and reserved ranges. */
const REFUSED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv6');

/** Whether an address is one a webhook must not reach (an IPv4 written as IPv6 is judged as IPv4). */
export function isRefusedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return REFUSED.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return REFUSED.check(address, 'ipv4');
  if (family === 6) return REFUSED.check(address, 'ipv6');
  return true;
}

export interface CheckedTarget {
  url: URL;
  /** The address to connect to: checked, so a second resolution cannot point elsewhere. */
  address: string;
  family: 4 | 6;
}

/** The host as the allow list names it: lower case, an IPv6 address without its brackets. */
const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** A webhook's URL: http or https, with a host and no credentials. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw validationFailed('url must be an absolute http or https address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw validationFailed('url must be an absolute http or https address');
  }
  if (url.username || url.password) throw validationFailed('url must not carry a user name or password');
  return url;
}

/**
 * Resolves the URL's host and refuses it when any of its addresses is loopback, private,
 * link-local or metadata, unless the host is on the admins' allow list (WEBHOOK_ALLOWED_HOSTS).
 */
export async function checkWebhookTarget(text: string, allowedHosts: readonly string[]): Promise<CheckedTarget> {
  const url = parseWebhookUrl(text);
  const host = hostOf(url);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw validationFailed(`url host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw validationFailed(`url host ${host} does not resolve`);
  if (!allowedHosts.includes(host)) {
    const refused = addresses.find((a) => isRefusedAddress(a.address));
    if (refused) {
      throw validationFailed(
        `url host ${host} resolves to ${refused.address}, a loopback, private, link-local or metadata address; an admin may allow the host in WEBHOOK_ALLOWED_HOSTS`,
      );
    }
  }
  return { url, address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

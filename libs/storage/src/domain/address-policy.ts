import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Which IP addresses a client-given URL may reach. Only global unicast: loopback, RFC 1918,
 * link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254), CGNAT, multicast, reserved
 * and documentation ranges are refused, whatever spelling the address came in. IPv6 forms that
 * carry an IPv4 address (v4-mapped, NAT64, 6to4) are judged by that IPv4 address; the forms we
 * cannot judge (Teredo, IPv4-compatible, local-use NAT64) are refused.
 */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(stripBrackets(address));
  } catch {
    return false;
  }
  return parsed.kind() === 'ipv4' ? isPublicV4(parsed as ipaddr.IPv4) : isPublicV6(parsed as ipaddr.IPv6);
}

/** True when `host` (a URL's hostname) is an IP literal rather than a name to resolve. */
export function isIpLiteral(host: string): boolean {
  return isIP(stripBrackets(host)) !== 0;
}

function isPublicV4(address: ipaddr.IPv4): boolean {
  // ipaddr names every special-purpose block; 'unicast' is what is left: the public internet.
  return address.range() === 'unicast';
}

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function isPublicV6(address: ipaddr.IPv6): boolean {
  if (address.isIPv4MappedAddress()) return isPublicV4(address.toIPv4Address());
  if (address.match(NAT64_WELL_KNOWN)) return isPublicV4(embeddedV4(address, 6));
  const range = address.range();
  if (range === '6to4') return isPublicV4(embeddedV4(address, 1));
  // Everything outside 2000::/3 (::/96 IPv4-compatible, fc00::/7, fe80::/10, ff00::/8 …) is not the internet.
  return range === 'unicast' && address.match(GLOBAL_UNICAST_V6);
}

/** The IPv4 address held in two 16-bit parts starting at `part` (6 for NAT64's suffix, 1 for 6to4's prefix). */
function embeddedV4(address: ipaddr.IPv6, part: number): ipaddr.IPv4 {
  const [high, low] = [address.parts[part], address.parts[part + 1]];
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

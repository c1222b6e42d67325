/** Link-layer header types (tcpdump.org LINKTYPE_ values) that the readers decode. */
export const LINK_TYPES = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** DLT_RAW values that some systems write into pcap headers instead of LINKTYPE_RAW (101). */
const LEGACY_RAW_LINK_TYPES = [12, 14];
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
/** Address-family values for IPv6 in BSD loopback headers (NetBSD/OpenBSD, FreeBSD, macOS). */
const BSD_AF_INET6 = [24, 28, 30];
const BSD_AF_INET = 2;

/** Result of `locateNetworkLayer`: where the IP header starts. */
export interface NetworkLayer {
  /** 4 or 6 for IP, 0 for other protocols, -1 when the frame ends inside the link header. */
  ipVersion: number;
  offset: number;
}

export function isSupportedLinkType(linkType: number): boolean {
  return Object.values(LINK_TYPES).includes(linkType as never) || LEGACY_RAW_LINK_TYPES.includes(linkType);
}

/**
 * Finds the IP header inside a frame of `linkType`, skipping Ethernet 802.1Q and 802.1ad (QinQ)
 * tags, Linux cooked v1 and v2 headers and BSD loopback headers. Sets `out` and returns it.
 */
export function locateNetworkLayer(bytes: Uint8Array, start: number, end: number, linkType: number, out: NetworkLayer): NetworkLayer {
  out.ipVersion = 0;
  out.offset = start;

  switch (linkType) {
    case LINK_TYPES.ETHERNET:
      return fromEthertype(bytes, start + 12, end, out);
    case LINK_TYPES.LINUX_SLL:
      return fromEthertype(bytes, start + 14, end, out);
    case LINK_TYPES.LINUX_SLL2:
      if (start + 20 > end) return cut(out);
      out.offset = start + 20;
      return fromProtocol((bytes[start]! << 8) | bytes[start + 1]!, out);
    case LINK_TYPES.NULL:
    case LINK_TYPES.LOOP:
      return fromAddressFamily(bytes, start, end, linkType === LINK_TYPES.LOOP, out);
    case LINK_TYPES.IPV4:
    case LINK_TYPES.IPV6:
    case LINK_TYPES.RAW:
    default:
      if (start >= end) return cut(out);
      out.ipVersion = bytes[start]! >> 4;
      if (out.ipVersion !== 4 && out.ipVersion !== 6) out.ipVersion = 0;
      return out;
  }
}

/** Reads an EtherType at `at`, skipping VLAN tags; the IP header follows the last one. */
function fromEthertype(bytes: Uint8Array, at: number, end: number, out: NetworkLayer): NetworkLayer {
  let position = at;
  for (;;) {
    if (position + 2 > end) return cut(out);
    const ethertype = (bytes[position]! << 8) | bytes[position + 1]!;
    if (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ || ethertype === ETHERTYPE_QINQ_OLD) {
      position += 4;
      continue;
    }
    out.offset = position + 2;
    return fromProtocol(ethertype, out);
  }
}

function fromProtocol(ethertype: number, out: NetworkLayer): NetworkLayer {
  out.ipVersion = 0;
  if (ethertype === ETHERTYPE_IPV4) out.ipVersion = 4;
  else if (ethertype === ETHERTYPE_IPV6) out.ipVersion = 6;
  return out;
}

/** BSD loopback: a 4-byte address family, in host byte order for NULL and network order for LOOP. */
function fromAddressFamily(bytes: Uint8Array, start: number, end: number, networkOrder: boolean, out: NetworkLayer): NetworkLayer {
  if (start + 4 > end) return cut(out);
  const big = ((bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!) >>> 0;
  const little = ((bytes[start + 3]! << 24) | (bytes[start + 2]! << 16) | (bytes[start + 1]! << 8) | bytes[start]!) >>> 0;
  const family = networkOrder || big < 256 ? big : little;
  out.offset = start + 4;
  out.ipVersion = family === BSD_AF_INET ? 4 : BSD_AF_INET6.includes(family) ? 6 : 0;
  return out;
}

function cut(out: NetworkLayer): NetworkLayer {
  out.ipVersion = -1;
  return out;
}

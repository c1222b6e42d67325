/**
 * Names of DNS record types, opcodes and response codes, from the IANA "Domain Name System (DNS)
 * Parameters" registry. Type 255 is named ANY (the registry writes "*").
 */

const RECORD_TYPE_LIST: ReadonlyArray<readonly [number, string]> = [
  [1, 'A'], [2, 'NS'], [3, 'MD'], [4, 'MF'], [5, 'CNAME'], [6, 'SOA'], [7, 'MB'], [8, 'MG'],
  [9, 'MR'], [10, 'NULL'], [11, 'WKS'], [12, 'PTR'], [13, 'HINFO'], [14, 'MINFO'], [15, 'MX'],
  [16, 'TXT'], [17, 'RP'], [18, 'AFSDB'], [19, 'X25'], [20, 'ISDN'], [21, 'RT'], [22, 'NSAP'],
  [23, 'NSAP-PTR'], [24, 'SIG'], [25, 'KEY'], [26, 'PX'], [27, 'GPOS'], [28, 'AAAA'], [29, 'LOC'],
  [30, 'NXT'], [31, 'EID'], [32, 'NIMLOC'], [33, 'SRV'], [34, 'ATMA'], [35, 'NAPTR'], [36, 'KX'],
  [37, 'CERT'], [38, 'A6'], [39, 'DNAME'], [40, 'SINK'], [41, 'OPT'], [42, 'APL'], [43, 'DS'],
  [44, 'SSHFP'], [45, 'IPSECKEY'], [46, 'RRSIG'], [47, 'NSEC'], [48, 'DNSKEY'], [49, 'DHCID'],
  [50, 'NSEC3'], [51, 'NSEC3PARAM'], [52, 'TLSA'], [53, 'SMIMEA'], [55, 'HIP'], [56, 'NINFO'],
  [57, 'RKEY'], [58, 'TALINK'], [59, 'CDS'], [60, 'CDNSKEY'], [61, 'OPENPGPKEY'], [62, 'CSYNC'],
  [63, 'ZONEMD'], [64, 'SVCB'], [65, 'HTTPS'], [66, 'DSYNC'], [99, 'SPF'], [100, 'UINFO'],
  [101, 'UID'], [102, 'GID'], [103, 'UNSPEC'], [104, 'NID'], [105, 'L32'], [106, 'L64'],
  [107, 'LP'], [108, 'EUI48'], [109, 'EUI64'], [249, 'TKEY'], [250, 'TSIG'], [251, 'IXFR'],
  [252, 'AXFR'], [253, 'MAILB'], [254, 'MAILA'], [255, 'ANY'], [256, 'URI'], [257, 'CAA'],
  [258, 'AVC'], [259, 'DOA'], [260, 'AMTRELAY'], [261, 'RESINFO'], [32768, 'TA'], [32769, 'DLV'],
];

const TYPE_NAMES = new Map<number, string>(RECORD_TYPE_LIST);
const TYPE_NUMBERS = new Map<string, number>(RECORD_TYPE_LIST.map(([num, name]) => [name, num]));

/** Record type name for `typeNum`, or `OTHER` when the registry has none. */
export function recordTypeName(typeNum: number): string {
  return TYPE_NAMES.get(typeNum) ?? 'OTHER';
}

/** Record type number for a registry name (case-insensitive, `TYPE123` accepted), or undefined. */
export function recordTypeNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = TYPE_NUMBERS.get(upper);
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (!generic) return undefined;
  const value = Number(generic[1]);
  return value <= 0xffff ? value : undefined;
}

const OPCODE_NAMES: readonly string[] = [
  'QUERY', 'IQUERY', 'STATUS', 'OTHER', 'NOTIFY', 'UPDATE', 'DSO', 'OTHER',
  'OTHER', 'OTHER', 'OTHER', 'OTHER', 'OTHER', 'OTHER', 'OTHER', 'OTHER',
];

/** Opcode name, or `OTHER` for the unassigned values 3 and 7 to 15. */
export function opcodeName(opcodeNum: number): string {
  return OPCODE_NAMES[opcodeNum] ?? 'OTHER';
}

/** Opcode number for a name, or undefined (OTHER has no single number). */
export function opcodeNumber(name: string): number | undefined {
  const index = OPCODE_NAMES.indexOf(name.toUpperCase());
  return index >= 0 && name.toUpperCase() !== 'OTHER' ? index : undefined;
}

const RCODE_NAMES: readonly string[] = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI', 'OTHER', 'OTHER', 'OTHER', 'OTHER',
  'BADVERS', 'BADKEY', 'BADTIME', 'BADMODE', 'BADNAME', 'BADALG', 'BADTRUNC', 'BADCOOKIE',
];

/**
 * Response-code name for `DNS.error`: null for NOERROR, `OTHER` for unassigned values. Codes
 * from 16 up need the EDNS extended bits; 16 is BADVERS here because only OPT carries it.
 */
export function rcodeName(rcode: number): string | null {
  if (rcode === 0) return null;
  return RCODE_NAMES[rcode] ?? 'OTHER';
}

/** Response-code number for a name (`NOERROR` is 0), or undefined. */
export function rcodeNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  if (upper === 'OTHER') return undefined;
  const index = RCODE_NAMES.indexOf(upper);
  return index >= 0 ? index : undefined;
}

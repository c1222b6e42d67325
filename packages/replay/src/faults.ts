/**
 * Kinds of broken input that a replay counts and skips. Each kind drops one unit of input: a DNS
 * message, a packet, an IP datagram, a TCP stream direction, a JSON line or the tail of a file.
 */
export const FAULT_KINDS = {
  'truncated-file': 'file: the input ends inside a record, so the partial record is dropped',
  'bad-capture-block': 'file: a pcap record or pcapng block has an impossible length, so the rest of the file is skipped',
  'bad-gzip': 'file: the gzip stream is corrupt, so the rest of the file is skipped',
  'unsupported-link-type': 'packet: the interface link type is not one the reader decodes',
  'snaplen-cut': 'message: the capture kept fewer bytes than were sent and the cut reaches the DNS message (a packet when it reaches the IP, UDP or TCP header)',
  'bad-ip-header': 'packet: the IPv4 or IPv6 header or an IPv6 extension header is inconsistent',
  'bad-udp-length': 'packet: the UDP length is below 8 or past the end of the IP payload',
  'bad-tcp-header': 'packet: the TCP data offset is below 5 or past the end of the segment',
  'bad-fragment': 'datagram: a fragment reaches past 65,535 bytes or a non-final fragment is not a multiple of 8 bytes',
  'fragment-overlap': 'datagram: two fragments overlap with different bytes',
  'fragment-timeout': 'datagram: its fragments did not all arrive within the reassembly window or before the input ended',
  'fragment-evicted': 'datagram: dropped unfinished because too many datagrams were being reassembled',
  'tcp-gap': 'stream direction: TCP bytes are missing, so the messages after the hole cannot be framed',
  'tcp-truncated-message': 'message: the TCP stream ended or went idle inside a DNS message',
  'bad-tcp-length': 'stream direction: a DNS-over-TCP length prefix is below 12, the size of a DNS header',
  'short-header': 'message: shorter than the 12-byte DNS header',
  'label-overrun': 'message: a label or a name runs past the end of the message',
  'name-loop': 'message: compression pointers form a loop',
  'bad-pointer': 'message: a compression pointer points past the end of the message, or a name follows more than 255 pointers',
  'bad-label-type': 'message: a label uses the reserved 0x40 or 0x80 length bits',
  'name-too-long': 'message: a name is longer than 255 bytes in wire form',
  'truncated-record': 'message: a question or resource record runs past the end of the message',
  'bad-rdata-length': 'message: an answer record data length does not fit its type (A not 4 bytes, AAAA not 16, a name not ending at the record end)',
  'jsonl-invalid-line': 'JSON line: not valid JSON, or not a DNS_REQUEST or DNS_RESPONSE event',
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

/** Fault kinds found while decoding one DNS message; each of them drops the message. */
export const MESSAGE_FAULT_KINDS: readonly FaultKind[] = [
  'short-header',
  'label-overrun',
  'name-loop',
  'bad-pointer',
  'bad-label-type',
  'name-too-long',
  'truncated-record',
  'bad-rdata-length',
];

import { fileTypeFromBuffer } from 'file-type';

/** What the desk takes as a material: scans and photos, and China's own layout document format. */
export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** How many leading bytes are read to tell a file's type. */
export const SNIFF_BYTES = 4100;

/**
 * An OFD (GB/T 33190) is a zip whose entries start with `OFD.xml`: look at the first local file
 * header's name rather than trusting the extension.
 */
function isOfd(head: Uint8Array): boolean {
  if (head.length < 30 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04) return false;
  const nameLength = head[26] | (head[27] << 8);
  const name = Buffer.from(head.subarray(30, 30 + nameLength)).toString('latin1');
  return name === 'OFD.xml';
}

/** The type the bytes really are (never the name or the header the client sent), or what was found instead. */
export async function sniff(head: Uint8Array): Promise<{ accepted: AcceptedType } | { found: string }> {
  if (isOfd(head)) return { accepted: 'application/ofd' };
  const type = await fileTypeFromBuffer(head);
  if (type && (ACCEPTED_TYPES as readonly string[]).includes(type.mime)) return { accepted: type.mime as AcceptedType };
  return { found: type?.mime ?? 'unknown' };
}

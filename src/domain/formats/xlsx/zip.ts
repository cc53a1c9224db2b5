import { inflateRawSync } from "node:zlib";

/**
 * A minimal reader of the zip container of an .xlsx file, written for hostile input: the central directory is
 * read first, every entry's declared size is checked against the limits *before* anything is inflated, and
 * inflation itself is capped at the declared size (a zip bomb that lies about its sizes fails there, having
 * produced at most the declared number of bytes). Zip64, encryption and methods other than stored/deflate are
 * refused: no spreadsheet application writes them for a workbook of this size.
 */

export interface ZipLimits {
  /** most bytes all entries may inflate to together */
  maxTotalBytes: number;
  /** most bytes one entry may inflate to */
  maxEntryBytes: number;
  /** most entries in the archive */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  maxEntries: 10_000,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** A problem with the container, in words a user can act on. */
export class ZipError extends Error {
  constructor(
    message: string,
    readonly kind: "not-zip" | "corrupt" | "too-large" | "unsupported",
  ) {
    super(message);
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly bytes: Uint8Array,
    limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 22 || view.getUint32(0, true) !== LOCAL_SIGNATURE)
      throw new ZipError("the file is not an .xlsx workbook (it is not a zip archive)", "not-zip");
    const eocd = findEndOfCentralDirectory(view);
    const count = view.getUint16(eocd + 10, true);
    const directorySize = view.getUint32(eocd + 12, true);
    const directoryOffset = view.getUint32(eocd + 16, true);
    if (count === 0xffff || directoryOffset === 0xffffffff)
      throw new ZipError("the workbook uses the Zip64 format, which is not supported", "unsupported");
    if (count > limits.maxEntries)
      throw new ZipError(
        `the workbook holds ${count} files; at most ${limits.maxEntries} are read`,
        "too-large",
      );
    if (directoryOffset + directorySize > bytes.length)
      throw new ZipError("the workbook is damaged: its table of contents lies past its end", "corrupt");
    let at = directoryOffset;
    let total = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE)
        throw new ZipError("the workbook is damaged: its table of contents is broken", "corrupt");
      const flags = view.getUint16(at + 8, true);
      const entry: ZipEntry = {
        method: view.getUint16(at + 10, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
        name: "",
      };
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      entry.name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
      if (flags & 1) throw new ZipError("the workbook is encrypted (password-protected)", "unsupported");
      if (entry.method !== 0 && entry.method !== 8)
        throw new ZipError(
          `the workbook uses an unsupported compression (method ${entry.method})`,
          "unsupported",
        );
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff)
        throw new ZipError("the workbook uses the Zip64 format, which is not supported", "unsupported");
      if (entry.size > limits.maxEntryBytes)
        throw tooLarge(`its part '${entry.name}' would unpack to ${mb(entry.size)}`, limits.maxEntryBytes);
      total += entry.size;
      if (total > limits.maxTotalBytes)
        throw tooLarge(`its parts would unpack to more than ${mb(total)}`, limits.maxTotalBytes);
      this.entries.set(entry.name, entry);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes; inflation stops at the declared size, so a lying entry cannot grow past it. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipError(`the workbook is damaged: '${name}' is missing`, "corrupt");
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE)
      throw new ZipError(`the workbook is damaged: '${name}' cannot be found in it`, "corrupt");
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length)
      throw new ZipError(`the workbook is damaged: '${name}' is cut short`, "corrupt");
    const raw = this.bytes.subarray(start, end);
    if (entry.method === 0) return raw;
    try {
      // one byte of slack: an entry that inflates past its declared size is caught, not truncated silently
      const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
      if (out.length !== entry.size)
        throw new ZipError(
          `the workbook is damaged: '${name}' does not unpack to its declared size`,
          "corrupt",
        );
      return out;
    } catch (error) {
      if (error instanceof ZipError) throw error;
      if (error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        throw new ZipError(
          `the workbook is damaged or hostile: '${name}' unpacks to more than its declared ${mb(entry.size)}`,
          "too-large",
        );
      throw new ZipError(`the workbook is damaged: '${name}' cannot be unpacked`, "corrupt");
    }
  }
}

function findEndOfCentralDirectory(view: DataView): number {
  // the record is 22 bytes plus a comment of up to 65535 bytes, at the very end
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw new ZipError("the workbook is damaged: it is cut short or not a complete zip archive", "corrupt");
}

function tooLarge(what: string, limit: number): ZipError {
  return new ZipError(`the workbook is too large to read: ${what} (the limit is ${mb(limit)})`, "too-large");
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// Removes the zero gap that postject (its LIEF ELF writer) leaves before the section header table.
//
// When the binary already has a section named ".note" (the build adds an empty one so that postject
// prints no warning, see build-executable.mjs), LIEF puts the blob into that section, in a new
// PT_LOAD/PT_NOTE segment at the end of the file, and then writes the section header table at
// "end of the new segment + the table's old offset" instead of right after the segment. Everything
// in between is zeros, as large as Node's whole binary. Nothing at run time reads the section header
// table (the loader uses the program headers), so it can be moved back to the first free byte.
// Plain CommonJS so that the build and the unit tests share it.
'use strict';
const { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } = require('node:fs');

const SHT_NOBITS = 8;

function readAt(fd, position, length) {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  if (read !== length) throw new Error(`short read at ${position}: ${read} of ${length} bytes`);
  return buffer;
}

/** The end of the last byte any program header or section (other than the header table) occupies. */
function usedEnd(fd, header) {
  const phoff = Number(header.readBigUInt64LE(0x20));
  const shoff = Number(header.readBigUInt64LE(0x28));
  const ehsize = header.readUInt16LE(0x34);
  const phentsize = header.readUInt16LE(0x36);
  const phnum = header.readUInt16LE(0x38);
  const shentsize = header.readUInt16LE(0x3a);
  const shnum = header.readUInt16LE(0x3c);
  let end = Math.max(ehsize, phoff + phentsize * phnum);
  const programHeaders = readAt(fd, phoff, phentsize * phnum);
  for (let i = 0; i < phnum; i++) {
    const offset = Number(programHeaders.readBigUInt64LE(i * phentsize + 0x08));
    const fileSize = Number(programHeaders.readBigUInt64LE(i * phentsize + 0x20));
    end = Math.max(end, offset + fileSize);
  }
  const sectionHeaders = readAt(fd, shoff, shentsize * shnum);
  for (let i = 0; i < shnum; i++) {
    const type = sectionHeaders.readUInt32LE(i * shentsize + 0x04);
    const offset = Number(sectionHeaders.readBigUInt64LE(i * shentsize + 0x18));
    const size = Number(sectionHeaders.readBigUInt64LE(i * shentsize + 0x20));
    if (type !== SHT_NOBITS) end = Math.max(end, offset + size);
  }
  return { end, shoff, tableBytes: sectionHeaders };
}

function assertZeros(fd, from, to) {
  const chunk = 1 << 20;
  for (let position = from; position < to; position += chunk) {
    const bytes = readAt(fd, position, Math.min(chunk, to - position));
    const nonZero = bytes.findIndex((byte) => byte !== 0);
    if (nonZero >= 0) throw new Error(`byte ${position + nonZero} before the section header table is not zero: refusing to move the table`);
  }
}

/**
 * Moves a 64-bit little-endian ELF file's section header table to the first free 8-byte-aligned offset
 * after everything else, when only zeros lie in between, and truncates the file after it. Returns the
 * number of bytes removed (0 when there is no gap). Throws, changing nothing, on anything unexpected.
 */
function compactSectionHeaders(path) {
  const fd = openSync(path, 'r+');
  try {
    const header = readAt(fd, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
    if (header[4] !== 2 || header[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
    const fileSize = fstatSync(fd).size;
    const { end, shoff, tableBytes } = usedEnd(fd, header);
    if (shoff + tableBytes.length !== fileSize) throw new Error(`${path}: the section header table is not at the end of the file`);
    const target = Math.ceil(end / 8) * 8;
    if (target >= shoff) return 0;
    assertZeros(fd, end, shoff);
    writeSync(fd, tableBytes, 0, tableBytes.length, target);
    const newOffset = Buffer.alloc(8);
    newOffset.writeBigUInt64LE(BigInt(target));
    writeSync(fd, newOffset, 0, 8, 0x28);
    ftruncateSync(fd, target + tableBytes.length);
    return fileSize - (target + tableBytes.length);
  } finally {
    closeSync(fd);
  }
}

module.exports = { compactSectionHeaders };

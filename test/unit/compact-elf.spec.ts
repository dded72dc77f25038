import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactSectionHeaders } from '../../scripts/compact-elf';

const TABLE_AT = 8192;
const SECTION_END = 320;

/**
 * A minimal 64-bit little-endian ELF file laid out as postject leaves the executable: a load segment
 * [0, 300), a section [120, 320), zeros, then the section header table (2 entries) at 8192.
 */
function elfWithGap(): Buffer {
  const file = Buffer.alloc(TABLE_AT + 2 * 64);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2; // ELFCLASS64
  file[5] = 1; // little-endian
  file[6] = 1;
  file.writeUInt16LE(2, 0x10); // ET_EXEC
  file.writeBigUInt64LE(64n, 0x20); // e_phoff
  file.writeBigUInt64LE(BigInt(TABLE_AT), 0x28); // e_shoff
  file.writeUInt16LE(64, 0x34);
  file.writeUInt16LE(56, 0x36);
  file.writeUInt16LE(1, 0x38);
  file.writeUInt16LE(64, 0x3a);
  file.writeUInt16LE(2, 0x3c);
  file.writeUInt32LE(1, 64); // PT_LOAD
  file.writeBigUInt64LE(300n, 64 + 0x20); // p_filesz
  for (let i = 120; i < SECTION_END; i++) file[i] = i & 0xff;
  const section = TABLE_AT + 64;
  file.writeUInt32LE(1, section + 0x04); // SHT_PROGBITS
  file.writeBigUInt64LE(120n, section + 0x18);
  file.writeBigUInt64LE(BigInt(SECTION_END - 120), section + 0x20);
  return file;
}

describe('compactSectionHeaders (the executable build)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omnirelay-elf-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the section header table to the first free byte and truncates the gap of zeros', () => {
    const path = join(dir, 'exe');
    const original = elfWithGap();
    writeFileSync(path, original);
    expect(compactSectionHeaders(path)).toBe(TABLE_AT - SECTION_END);
    const compacted = readFileSync(path);
    expect(compacted.length).toBe(SECTION_END + 128);
    expect(compacted.readBigUInt64LE(0x28)).toBe(BigInt(SECTION_END));
    expect(compacted.subarray(SECTION_END)).toEqual(original.subarray(TABLE_AT));
    expect(compacted.subarray(0x30, SECTION_END)).toEqual(original.subarray(0x30, SECTION_END));
    // Already compact: nothing more to remove.
    expect(compactSectionHeaders(path)).toBe(0);
    expect(readFileSync(path)).toEqual(compacted);
  });

  it('refuses, changing nothing, when the gap holds anything but zeros or the file is not ELF64', () => {
    const path = join(dir, 'exe');
    const file = elfWithGap();
    file[5000] = 1;
    writeFileSync(path, file);
    expect(() => compactSectionHeaders(path)).toThrow('byte 5000 before the section header table is not zero');
    expect(readFileSync(path)).toEqual(file);
    writeFileSync(path, Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.alloc(64)]));
    expect(() => compactSectionHeaders(path)).toThrow('is not an ELF file');
  });
});

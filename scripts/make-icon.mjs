#!/usr/bin/env node
// Writes resources/icon.png: a 512x512 RGBA PNG, a red disc with a white diamond.
// No dependencies: raw scanlines, deflated with node:zlib, CRC32 computed here.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const SIZE = 512
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icon.png')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

// Coverage of a shape at pixel (x, y), 4x4 supersampled for smooth edges.
function coverage(x, y, inside) {
  let hits = 0
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits++
  return hits / 16
}
const c = SIZE / 2
const inDisc = (x, y) => (x - c) ** 2 + (y - c) ** 2 <= (SIZE * 0.47) ** 2
const inDiamond = (x, y) => Math.abs(x - c) + Math.abs(y - c) <= SIZE * 0.26

const RED = [0xd8, 0x2c, 0x20]
const WHITE = [0xff, 0xff, 0xff]
const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE)
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1)
  raw[row] = 0 // filter: none
  for (let x = 0; x < SIZE; x++) {
    const disc = coverage(x, y, inDisc)
    const diamond = coverage(x, y, inDiamond)
    const p = row + 1 + x * 4
    for (let k = 0; k < 3; k++) raw[p + k] = Math.round(RED[k] * (1 - diamond) + WHITE[k] * diamond)
    raw[p + 3] = Math.round(255 * disc)
  }
}

const ihdr = Buffer.alloc(13)
ihdr.writeUInt32BE(SIZE, 0)
ihdr.writeUInt32BE(SIZE, 4)
ihdr[8] = 8 // bit depth
ihdr[9] = 6 // colour type: RGBA
ihdr[10] = 0 // compression
ihdr[11] = 0 // filter
ihdr[12] = 0 // interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, png)
console.log(`wrote ${out} (${png.length} bytes)`)

import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { renderPlot } from '../../../../scripts/bench/swarm/plot.ts'

/** The PNG's size and its RGB rows, read back by hand (chunks, CRCs unchecked). */
function decode(png: Buffer): { w: number; h: number; rows: Buffer[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  let at = 8
  let w = 0
  let h = 0
  const idat: Buffer[] = []
  while (at < png.length) {
    const len = png.readUInt32BE(at)
    const type = png.toString('ascii', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + len)
    if (type === 'IHDR') [w, h] = [data.readUInt32BE(0), data.readUInt32BE(4)]
    if (type === 'IDAT') idat.push(data)
    at += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  expect(raw.length).toBe((w * 3 + 1) * h)
  const rows = Array.from({ length: h }, (_, y) =>
    raw.subarray(y * (w * 3 + 1) + 1, (y + 1) * (w * 3 + 1)),
  )
  return { w, h, rows }
}

function countColor(rows: Buffer[], [r, g, b]: [number, number, number]): number {
  let n = 0
  for (const row of rows)
    for (let i = 0; i < row.length; i += 3)
      if (row[i] === r && row[i + 1] === g && row[i + 2] === b) n++
  return n
}

describe('renderPlot', () => {
  it('writes a PNG of the asked size with each series drawn in its colour, dashed ones sparser', () => {
    const points = [2, 1.95, 1.9, 1.9, 1.85, 1.85, 1.84, 1.83]
    const png = renderPlot({
      title: 'SIMULATED TEST',
      xLabel: 'ROUNDS',
      yLabel: 'BPB',
      width: 400,
      height: 300,
      series: [
        { label: 'SOLID', color: [200, 0, 0], points },
        { label: 'DASHED', color: [0, 0, 200], dashed: true, points: points.map((p) => p + 0.05) },
        { label: 'EMPTY', color: [0, 200, 0], points: [null, null] },
      ],
    })
    const { w, h, rows } = decode(png)
    expect([w, h]).toEqual([400, 300])
    const solid = countColor(rows, [200, 0, 0])
    const dashed = countColor(rows, [0, 0, 200])
    expect(solid).toBeGreaterThan(300)
    expect(dashed).toBeGreaterThan(100)
    expect(dashed).toBeLessThan(solid)
    // a series with no points draws only its legend swatch
    expect(countColor(rows, [0, 200, 0])).toBeLessThan(100)
  })
})

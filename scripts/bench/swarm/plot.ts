/**
 * A small line-plot rasterizer that writes PNG with node:zlib (no plotting library is
 * installed): log2 x axis, linear y axis, solid or dashed series, a legend and labels in a
 * built-in 5x7 font (upper case, digits, a few signs). Enough for bench:swarm's curves.
 */
import { writeFileSync } from 'node:fs'
import { crc32, deflateSync } from 'node:zlib'

export type Rgb = [number, number, number]

export interface Series {
  label: string
  color: Rgb
  dashed?: boolean
  /** y at x = 1, 2, 3...; null where there is no value. */
  points: Array<number | null>
}

export interface PlotSpec {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  /** Horizontal reference lines (the optimum). */
  hlines?: Array<{ y: number; label: string; color: Rgb }>
  width?: number
  height?: number
}

/** 5x7 glyphs, one hex byte per row (bit 4 = leftmost column). */
const FONT: Record<string, string> = {
  '0': '0E11131519110E',
  '1': '040C040404040E',
  '2': '0E11010204081F',
  '3': '1F02040201110E',
  '4': '02060A121F0202',
  '5': '1F101E0101110E',
  '6': '0608101E11110E',
  '7': '1F010204080808',
  '8': '0E11110E11110E',
  '9': '0E11110F01020C',
  A: '0E11111F111111',
  B: '1E11111E11111E',
  C: '0E11101010110E',
  D: '1C12111111121C',
  E: '1F10101E10101F',
  F: '1F10101E101010',
  G: '0E11101711110F',
  H: '1111111F111111',
  I: '0E04040404040E',
  J: '0702020202120C',
  K: '11121418141211',
  L: '1010101010101F',
  M: '111B1515111111',
  N: '11111915131111',
  O: '0E11111111110E',
  P: '1E11111E101010',
  Q: '0E11111115120D',
  R: '1E11111E141211',
  S: '0F10100E01011E',
  T: '1F040404040404',
  U: '1111111111110E',
  V: '11111111110A04',
  W: '1111111515150A',
  X: '11110A040A1111',
  Y: '1111110A040404',
  Z: '1F01020408101F',
  '.': '00000000000C0C',
  '-': '0000001F000000',
  '=': '00001F001F0000',
  ':': '000C0C000C0C00',
  '/': '00010204081000',
  '(': '02040808080402',
  ')': '08040202020408',
  _: '0000000000001F',
  '+': '0004041F040400',
  '%': '18190204081303',
  ',': '00000000000C08',
  ' ': '00000000000000',
}

class Canvas {
  readonly px: Uint8Array
  readonly w: number
  readonly h: number
  constructor(w: number, h: number) {
    this.w = w
    this.h = h
    this.px = new Uint8Array(w * h * 3).fill(255)
  }

  set(x: number, y: number, c: Rgb): void {
    const [xi, yi] = [Math.round(x), Math.round(y)]
    if (xi < 0 || yi < 0 || xi >= this.w || yi >= this.h) return
    this.px.set(c, (yi * this.w + xi) * 3)
  }

  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, dashed = false, thick = 2): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)))
    for (let i = 0; i <= steps; i++) {
      // the dash pattern runs on the line's own length: 6 on, 4 off
      if (dashed && (this.dashPhase + i) % 10 >= 6) continue
      const x = x0 + ((x1 - x0) * i) / steps
      const y = y0 + ((y1 - y0) * i) / steps
      for (let dx = 0; dx < thick; dx++)
        for (let dy = 0; dy < thick; dy++) this.set(x + dx, y + dy, c)
    }
    this.dashPhase += steps
  }

  dashPhase = 0

  text(x: number, y: number, s: string, c: Rgb, scale = 1): void {
    let cx = x
    for (const ch of s.toUpperCase()) {
      const glyph = FONT[ch] ?? FONT[' '] ?? ''
      for (let row = 0; row < 7; row++) {
        const bits = Number.parseInt(glyph.slice(row * 2, row * 2 + 2), 16)
        for (let col = 0; col < 5; col++)
          if (bits & (16 >> col))
            for (let a = 0; a < scale; a++)
              for (let b = 0; b < scale; b++) this.set(cx + col * scale + a, y + row * scale + b, c)
      }
      cx += 6 * scale
    }
  }

  png(): Buffer {
    const raw = Buffer.alloc((this.w * 3 + 1) * this.h)
    for (let y = 0; y < this.h; y++) {
      raw[y * (this.w * 3 + 1)] = 0 // filter: none
      raw.set(this.px.subarray(y * this.w * 3, (y + 1) * this.w * 3), y * (this.w * 3 + 1) + 1)
    }
    const chunk = (type: string, data: Buffer): Buffer => {
      const head = Buffer.alloc(8)
      head.writeUInt32BE(data.length, 0)
      head.write(type, 4, 'ascii')
      const crc = Buffer.alloc(4)
      crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
      return Buffer.concat([head, data, crc])
    }
    const ihdr = Buffer.alloc(13)
    ihdr.writeUInt32BE(this.w, 0)
    ihdr.writeUInt32BE(this.h, 4)
    ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, deflate, no filter, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ])
  }
}

const GRAY: Rgb = [200, 200, 200]
const BLACK: Rgb = [0, 0, 0]

/** Renders the plot to PNG bytes. */
export function renderPlot(spec: PlotSpec): Buffer {
  const [W, H] = [spec.width ?? 960, spec.height ?? 600]
  const [left, right, top, bottom] = [80, 230, 50, 60]
  const c = new Canvas(W, H)
  const ys = spec.series.flatMap((s) => s.points.filter((p): p is number => p !== null))
  for (const h of spec.hlines ?? []) ys.push(h.y)
  const maxX = Math.max(2, ...spec.series.map((s) => s.points.length))
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)]
  if (!(y1 > y0)) [y0, y1] = [y0 - 0.01, y0 + 0.01]
  const pad = (y1 - y0) * 0.05
  ;[y0, y1] = [y0 - pad, y1 + pad]
  const px = (x: number): number => left + (Math.log2(x) / Math.log2(maxX)) * (W - left - right)
  const py = (y: number): number => top + ((y1 - y) / (y1 - y0)) * (H - top - bottom)
  // axes, grid and ticks
  for (let x = 1; x <= maxX; x *= 2) {
    c.line(px(x), top, px(x), H - bottom, GRAY, false, 1)
    c.text(px(x) - 3 * String(x).length, H - bottom + 8, String(x), BLACK)
  }
  for (let i = 0; i <= 5; i++) {
    const y = y0 + ((y1 - y0) * i) / 5
    c.line(left, py(y), W - right, py(y), GRAY, false, 1)
    c.text(left - 44, py(y) - 3, y.toFixed(3), BLACK)
  }
  c.line(left, H - bottom, W - right, H - bottom, BLACK, false, 1)
  c.line(left, top, left, H - bottom, BLACK, false, 1)
  c.text(left, 16, spec.title, BLACK, 2)
  c.text(left + (W - left - right) / 2 - 3 * spec.xLabel.length, H - 24, spec.xLabel, BLACK)
  c.text(8, top - 14, spec.yLabel, BLACK)
  for (const h of spec.hlines ?? []) {
    c.line(left, py(h.y), W - right, py(h.y), h.color, true, 1)
    c.text(left + 4, py(h.y) - 10, h.label, h.color)
  }
  spec.series.forEach((s, k) => {
    c.dashPhase = 0
    let prev: [number, number] | undefined
    s.points.forEach((y, i) => {
      if (y === null) return
      const p: [number, number] = [px(i + 1), py(y)]
      if (prev !== undefined) c.line(prev[0], prev[1], p[0], p[1], s.color, s.dashed)
      prev = p
    })
    const ly = top + 10 + k * 16
    c.dashPhase = 0
    c.line(W - right + 12, ly + 3, W - right + 40, ly + 3, s.color, s.dashed)
    c.text(W - right + 46, ly, s.label, BLACK)
  })
  return c.png()
}

export function writePlot(path: string, spec: PlotSpec): void {
  writeFileSync(path, renderPlot(spec))
}

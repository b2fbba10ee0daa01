// Prints the initial JavaScript of the build, gzip: the entry chunk and every chunk it imports statically.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')
const manifest = JSON.parse(readFileSync(resolve(dist, '.vite/manifest.json'), 'utf8'))
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry)
const seen = new Set()
const walk = (key) => {
  if (seen.has(key)) return
  seen.add(key)
  for (const next of manifest[key].imports ?? []) walk(next)
}
walk(entry)
let raw = 0
let gzip = 0
for (const key of seen) {
  const bytes = readFileSync(resolve(dist, manifest[key].file))
  raw += bytes.length
  gzip += gzipSync(bytes, { level: 9 }).length
}
const kb = (n) => (n / 1024).toFixed(1)
console.log(`initial JS: ${seen.size} chunks, ${kb(raw)} KB, ${kb(gzip)} KB gzip (target < 400 KB gzip)`)

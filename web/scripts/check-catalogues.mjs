// Checks what the type checker cannot (run by `npm run lint`, so `make lint-web` fails too):
//  - plural forms: every message with a count (`base_other` in English) has, in every language,
//    the form Intl.PluralRules picks for each whole number 0–1000 (`_few`, `_many` in pl, cs, uk, ro);
//  - placeholders: a translation uses only the {names} its English message fills in.
// Missing keys are caught by tsc (every catalogue is typed `Catalogue`).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'i18n')
const ENTRY = /^\s*['"]([^'"]+)['"]\s*:\s*(['"])((?:\\.|(?!\2).)*)\2\s*,?\s*$/

/** The main catalogue's messages of a file (the pupil overlay after it is checked the same way). */
function messages(file) {
  const result = new Map()
  for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
    const match = ENTRY.exec(line)
    if (match) result.set(match[1], match[3])
  }
  return result
}

const placeholders = (text) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
const english = messages('en.ts')
const bases = [...english.keys()].filter((key) => key.endsWith('_other')).map((key) => key.slice(0, -'_other'.length))
const problems = []

for (const file of readdirSync(dir).filter((name) => /^[a-z]{2}\.ts$/.test(name))) {
  const lang = file.slice(0, 2)
  const catalogue = messages(file)
  const rules = new Intl.PluralRules(lang)
  const categories = new Set()
  for (let n = 0; n <= 1000; n += 1) categories.add(rules.select(n))
  for (const base of bases) {
    for (const category of categories) {
      if (!catalogue.has(`${base}_${category}`)) problems.push(`${file}: ${base}_${category} is missing (Intl.PluralRules('${lang}') uses "${category}")`)
    }
  }
  for (const [key, text] of catalogue) {
    const source = english.get(key) ?? english.get(key.replace(/_(zero|one|two|few|many)$/, '_other'))
    if (source === undefined) continue
    const allowed = placeholders(source)
    for (const name of placeholders(text)) {
      if (!allowed.has(name)) problems.push(`${file}: ${key} uses {${name}}, which the English message does not fill in`)
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`catalogues: plural forms and placeholders fine (${bases.length} counted messages)`)

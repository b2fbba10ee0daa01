/**
 * For a list that reloads when its filter changes: answers can arrive out of order (a slow answer for the filter
 * before may come after the answer for the one chosen now), and only the latest call's answer may be shown.
 * `const ask = latestOnly()`; in the loader `const current = ask()`, and after the await `if (!current()) return`.
 */
export function latestOnly(): () => () => boolean {
  let latest = 0
  return () => {
    const asked = ++latest
    return () => asked === latest
  }
}

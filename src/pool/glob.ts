/**
 * Enough of glob syntax for `files[].include`: `**` (any depth), `*` and `?`
 * (within one path segment) and `{a,b}`. Patterns and paths are relative to the
 * project root with forward slashes.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*' && pattern[i + 1] === '*') {
      // "**/" matches zero or more directories; a trailing "**" matches the rest.
      if (pattern[i + 2] === '/') { re += '(?:.*/)?'; i += 2 } else { re += '.*'; i += 1 }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '{') {
      const end = pattern.indexOf('}', i)
      if (end === -1) { re += '\\{'; continue }
      re += '(?:' + pattern.slice(i + 1, end).split(',').map(escapeRegExp).join('|') + ')'
      i = end
    } else re += escapeRegExp(c)
  }
  return new RegExp(`^${re}$`)
}

export function matchesGlob(relativePath: string, pattern: string | string[]): boolean {
  const patterns = Array.isArray(pattern) ? pattern : [pattern]
  const p = relativePath.replace(/^\.\//, '')
  return patterns.some((glob) => globToRegExp(glob.replace(/^\.\//, '')).test(p))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|[\]\\]/g, '\\$&')
}

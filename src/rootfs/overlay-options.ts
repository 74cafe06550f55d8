/**
 * overlayfs splits its mount data on "," and lowerdir on ":", and takes "\" as the
 * escape for both (fs/overlayfs/params.c). A path holding any of the three must be
 * escaped or the kernel reads a different set of layers than we meant.
 */
export function escapeOverlayPath(path: string): string {
  return path.replace(/[\\,:]/g, (c) => '\\' + c)
}

/**
 * The launcher mounts with its working directory at the host root, so lower
 * layers are given relative to it: "/" is ".", "/usr/lib" is "usr/lib".
 */
export function hostRelative(path: string): string {
  const trimmed = path.replace(/\/+$/, '').replace(/^\/+/, '')
  return trimmed === '' ? '.' : trimmed
}

/** lowerdir= value: topmost layer first, as overlayfs wants it. */
export function lowerdirOption(layersTopFirst: string[]): string {
  return layersTopFirst.map((p) => escapeOverlayPath(hostRelative(p))).join(':')
}

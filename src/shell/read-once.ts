import type { Context, Files } from "../context";

/**
 * The context with each file and folder read at most once: every home's reading of one run (diagnose
 * --all-users) meets the same /etc files (profile, bash.bashrc, profile.d, pam.d). Made per run, never kept, so
 * that a later run (recover's check after its changes) reads them again.
 */
export function readingOnce(ctx: Context): Context {
  const texts = new Map<string, Promise<string>>();
  const folders = new Map<string, Promise<string[]>>();
  const files: Files = {
    ...ctx.files,
    readText(path, options = {}) {
      const key = `${options.encoding ?? ""}\0${options.maxBytes ?? ""}\0${path}`;
      const text = texts.get(key) ?? ctx.files.readText(path, options);
      texts.set(key, text);
      return text;
    },
    readdir(path) {
      const names = folders.get(path) ?? ctx.files.readdir(path);
      folders.set(path, names);
      // A copy each: a caller may sort or filter the list it gets in place.
      return names.then((found) => [...found]);
    },
  };
  return { ...ctx, files };
}

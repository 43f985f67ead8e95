import type { Context, Files } from "../context";

/**
 * The context with each file and folder read at most once: one diagnose run's checks read the same files (the
 * caller's startup files for the environment and the new-shell checks, /etc's profile, bash.bashrc, profile.d and
 * pam.d for every home with --all-users). Made per run, never kept, so that a later run (recover's check after
 * its changes) reads them again.
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
